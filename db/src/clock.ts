/** Where "now" comes from. Tests and the development time control replace it. */
export interface Clock {
  now(): Date
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
