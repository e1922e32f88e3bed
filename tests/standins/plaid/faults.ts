import { isRecord } from './fields.ts'

/**
 * - `error500`: nothing is done; the answer is 500 INTERNAL_SERVER_ERROR.
 * - `rate_limited`: nothing is done; the answer is 429 RATE_LIMIT_EXCEEDED.
 * - `timeout`: nothing is done; the reply is held for `delayMs`, then a 500 follows.
 * - `lost_reply`: the operation IS performed and saved, but the caller gets a 500 (after
 *   `delayMs`, if given): the case where a retry must not do the work twice.
 */
export const faultModes = ['error500', 'rate_limited', 'timeout', 'lost_reply'] as const
export type FaultMode = (typeof faultModes)[number]

export interface FaultSpec {
  /** A Plaid path such as "/transfer/create", or "*" for every path. */
  path: string
  mode: FaultMode
  /** How many calls the fault hits before it is used up; 1 unless given. */
  times?: number
  /** How long `timeout` (default 30 s) and `lost_reply` (default 0) hold the reply. */
  delayMs?: number
}

export interface ActiveFault {
  path: string
  mode: FaultMode
  remaining: number
  delayMs: number
}

export interface CallRecord {
  path: string
  at: string
  /** The HTTP status answered, or null while the call is still being held. */
  status: number | null
  idempotencyKey: string | null
  authorizationId: string | null
  fault: FaultMode | null
}

/** Reads a fault from a control request, answering a message when it is not one. */
export function parseFaultSpec(value: unknown): FaultSpec | string {
  if (!isRecord(value)) return 'the body must be a JSON object'

  const { path, mode, times, delayMs } = value
  const knownMode = faultModes.find((candidate) => candidate === mode)
  if (typeof path !== 'string' || !(path === '*' || path.startsWith('/'))) {
    return 'path must be a Plaid path such as "/transfer/create", or "*"'
  }
  if (!knownMode) return `mode must be one of: ${faultModes.join(', ')}`
  if (times !== undefined && (typeof times !== 'number' || !Number.isInteger(times) || times < 1)) {
    return 'times must be a positive integer'
  }
  if (delayMs !== undefined && (typeof delayMs !== 'number' || delayMs < 0)) {
    return 'delayMs must be a number of milliseconds'
  }

  return { path, mode: knownMode, times, delayMs }
}

export function createFaultBook() {
  let faults: ActiveFault[] = []

  return {
    add(spec: FaultSpec): ActiveFault {
      const fallbackDelay = spec.mode === 'timeout' ? 30_000 : 0
      const fault = {
        path: spec.path,
        mode: spec.mode,
        remaining: spec.times ?? 1,
        delayMs: spec.delayMs ?? fallbackDelay,
      }
      faults.push(fault)

      return fault
    },
    /** Uses up one hit of the first fault that matches the path. */
    take(path: string): ActiveFault | null {
      const fault = faults.find((candidate) => candidate.path === path || candidate.path === '*')
      if (!fault) return null

      fault.remaining -= 1
      if (fault.remaining === 0) faults = faults.filter((candidate) => candidate !== fault)

      return { ...fault }
    },
    list: (): ActiveFault[] => faults.map((fault) => ({ ...fault })),
    clear(): void {
      faults = []
    },
  }
}

export type FaultBook = ReturnType<typeof createFaultBook>

export function createCallLog() {
  let calls: CallRecord[] = []

  return {
    record(call: CallRecord): CallRecord {
      calls.push(call)

      return call
    },
    list: (path?: string | null): CallRecord[] =>
      calls.filter((call) => !path || call.path === path).map((call) => ({ ...call })),
    counts(): Record<string, number> {
      const counts: Record<string, number> = {}
      for (const call of calls) counts[call.path] = (counts[call.path] ?? 0) + 1

      return counts
    },
    reset(): void {
      calls = []
    },
  }
}

export type CallLog = ReturnType<typeof createCallLog>
