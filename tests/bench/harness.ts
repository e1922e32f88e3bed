/**
 * Shared pieces of the benchmark: processes pinned to their own cores where the machine
 * allows, load runs in a separate process, interleaved rounds and medians.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'

export const root = join(import.meta.dir, '../..')
const hasTaskset = existsSync('/usr/bin/taskset') && navigator.hardwareConcurrency >= 2

/** Core 0 runs the server under test, core 1 the load generator. */
export function pinned(cpu: 0 | 1, cmd: string[]): string[] {
  return hasTaskset ? ['taskset', '-c', String(cpu), ...cmd] : cmd
}

export interface LoadResult {
  requestsPerSecond: number
  p50: number
  p99: number
  errors: number
  non2xx: number
  total: number
}

export interface LoadOptions {
  url: string
  connections: number
  duration: number
  method?: string
  headers?: Record<string, string>
  body?: string
  overallRate?: number
}

/** Runs one load in its own process on the load core. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const child = Bun.spawn(
    pinned(1, ['bun', join(import.meta.dir, 'load.ts'), JSON.stringify(options)]),
    {
      cwd: root,
      stdout: 'pipe',
      stderr: 'inherit',
    },
  )
  const text = await new Response(child.stdout).text()
  if ((await child.exited) !== 0) throw new Error(`load run failed for ${options.url}`)
  return JSON.parse(text.trim().split('\n').at(-1) ?? '{}') as LoadResult
}

export interface Server {
  url: string
  stop(): Promise<void>
}

/** Starts a server process on the server core and waits until `probe` answers. */
export async function startServer(
  name: string,
  cmd: string[],
  env: Record<string, string>,
  url: string,
  probe = '/',
): Promise<Server> {
  // Something already answering there would be measured in the server's place.
  const taken = await fetch(url, { redirect: 'manual' }).then(
    () => true,
    () => false,
  )
  if (taken) throw new Error(`${name}: ${url} is already in use`)
  const child = Bun.spawn(pinned(0, cmd), {
    cwd: root,
    env: { ...process.env, ...env },
    stdout: 'ignore',
    stderr: 'inherit',
  })
  for (let i = 0; i < 150; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`)
    try {
      if ((await fetch(`${url}${probe}`, { redirect: 'manual' })).status < 500) {
        return {
          url,
          stop: async () => {
            child.kill('SIGTERM')
            await child.exited
          },
        }
      }
    } catch {
      // not listening yet
    }
    await Bun.sleep(100)
  }
  child.kill('SIGKILL')
  throw new Error(`${name} did not start at ${url}`)
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

/**
 * Runs each contender once per round, alternating which goes first, so drift on a shared
 * machine falls on both sides alike.
 */
export async function interleave<T>(
  rounds: number,
  contenders: Record<string, () => Promise<T>>,
): Promise<Record<string, T[]>> {
  const names = Object.keys(contenders)
  const results: Record<string, T[]> = Object.fromEntries(names.map((name) => [name, []]))
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse()
    for (const name of order) {
      const run = contenders[name]
      if (run) results[name]?.push(await run())
    }
  }
  return results
}
