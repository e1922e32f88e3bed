/**
 * Resident memory of the stack's processes (VmRSS from /proc/<pid>/status), sampled through the
 * run, and the bound it must stay within once warmed up.
 */
import { existsSync, readFileSync } from 'node:fs'

export interface RssSample {
  /** Milliseconds since traffic started. */
  at: number
  mib: number
}

/** The resident set of a process in MiB, or null when it has gone or /proc is not there. */
export function readRssMiB(pid: number): number | null {
  const path = `/proc/${pid}/status`
  if (!existsSync(path)) return null
  const kib = readFileSync(path, 'utf8').match(/^VmRSS:\s+(\d+)\s+kB/m)?.[1]
  return kib === undefined ? null : Number(kib) / 1024
}

export function canReadRss(): boolean {
  return readRssMiB(process.pid) !== null
}

/** Samples every named process twice a second (by default) until stopped. */
export function sampleRss(pids: Record<string, number>, everyMs = 500) {
  const started = performance.now()
  const samples: Record<string, RssSample[]> = Object.fromEntries(
    Object.keys(pids).map((name) => [name, []]),
  )
  const take = () => {
    const at = performance.now() - started
    for (const [name, pid] of Object.entries(pids)) {
      const mib = readRssMiB(pid)
      if (mib !== null) samples[name]?.push({ at, mib })
    }
  }
  take()
  const timer = setInterval(take, everyMs)

  return {
    samples,
    stop() {
      clearInterval(timer)
      take()
    },
  }
}

/**
 * The bound. After warm-up, the lower quartile of the samples in the last third of the run may
 * exceed the lower quartile of those in the first third by at most `allowedMiB`, or by
 * `allowedShare` of it, whichever is larger. The lower quartile, not single samples or the
 * median: the API's resident set is bimodal, since every argon2id sign-in maps 64 MiB for a moment
 * and a garbage-collected heap rises and falls between collections. Whether the median lands on
 * the high or the low mode depends on how many samples catch a hash, while the lower quartile is
 * what the process keeps between them; a leak lifts it with every other sample.
 */
export interface MemoryBound {
  warmupMs: number
  allowedMiB: number
  allowedShare: number
}

export interface MemoryVerdict {
  name: string
  count: number
  firstMiB: number
  lastMiB: number
  peakMiB: number
  /** Lower quartiles of the first and last thirds of the samples after warm-up. */
  earlyMiB: number
  lateMiB: number
  growthMiB: number
  limitMiB: number
  ok: boolean
}

export function judgeMemory(
  name: string,
  samples: RssSample[],
  bound: MemoryBound,
): MemoryVerdict | null {
  const warm = samples.filter((sample) => sample.at >= bound.warmupMs)
  const first = samples[0]
  const last = samples.at(-1)
  if (warm.length < 6 || !first || !last) return null

  const third = Math.floor(warm.length / 3)
  const earlyMiB = lowerQuartile(warm.slice(0, third).map((s) => s.mib))
  const lateMiB = lowerQuartile(warm.slice(-third).map((s) => s.mib))
  const limitMiB = Math.max(bound.allowedMiB, earlyMiB * bound.allowedShare)
  const growthMiB = lateMiB - earlyMiB
  return {
    name,
    count: samples.length,
    firstMiB: first.mib,
    lastMiB: last.mib,
    peakMiB: Math.max(...samples.map((s) => s.mib)),
    earlyMiB,
    lateMiB,
    growthMiB,
    limitMiB,
    ok: growthMiB <= limitMiB,
  }
}

function lowerQuartile(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 4)] ?? 0
}
