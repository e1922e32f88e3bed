/** Where "now" comes from. Tests and the development time control replace it. */
export interface Clock {
  now(): Date
  /** Re-reads a shared offset, where the clock has one (the development time control). */
  refresh?(): Promise<void>
  /**
   * Where an instant reported by a service that keeps real time (Plaid's event timestamps)
   * falls on this clock: the same instant, unless the development time control moved it.
   */
  fromRealTime?(instant: Date): Date
}

export const systemClock: Clock = { now: () => new Date() }

/** A clock that tests move by hand. */
export function manualClock(
  start: Date,
): Clock & { set(to: Date): void; advance(ms: number): void } {
  let current = start.getTime()
  return {
    now: () => new Date(current),
    set: (to) => {
      current = to.getTime()
    },
    advance: (ms) => {
      current += ms
    },
  }
}

/**
 * Development only: the system time moved forward by an offset kept in the database, so the API
 * and the worker, in separate processes, agree on "now" after the time control moves it. The
 * offset is re-read every `refreshMs` and whenever `refresh()` is called.
 */
export interface SharedClock extends Clock {
  offsetMs(): number
  refresh(): Promise<void>
  stop(): void
}

export function createSharedClock(
  readOffset: () => Promise<number>,
  refreshMs = 2000,
): SharedClock {
  let offset = 0
  const refresh = async () => {
    offset = await readOffset()
  }
  const timer = setInterval(() => {
    refresh().catch(() => undefined)
  }, refreshMs)
  timer.unref()
  void refresh().catch(() => undefined)
  return {
    now: () => new Date(Date.now() + offset),
    offsetMs: () => offset,
    fromRealTime: (instant) => new Date(instant.getTime() + offset),
    refresh,
    stop: () => clearInterval(timer),
  }
}
