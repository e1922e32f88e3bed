import { resolve } from 'node:path'
import { setClockOffset } from '@tenor/db'
import { jobLeases } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import { testPublicUrl } from './app.ts'
import type { PlaidTestApp } from './plaid.ts'

const mainPath = resolve(import.meta.dir, '../../workers/src/main.ts')

export interface WorkerProcess {
  process: ReturnType<typeof Bun.spawn>
  /** Resolves when the worker logs that its job started; false if it exited first. */
  started: Promise<boolean>
  /** Every JSON log line so far. */
  lines: Record<string, unknown>[]
  exited: Promise<number>
  /** What the process wrote to stderr: an uncaught error, if it crashed. */
  stderr: Promise<string>
}

/**
 * Runs `bun workers/src/main.ts --job NAME` as the scheduled machine would, against the test
 * app's database file and Plaid stand-in. It runs on the real clock (APP_ENV=test).
 */
export function spawnWorker(t: PlaidTestApp, job: string): WorkerProcess {
  return startWorker(t, ['--job', job], 'test')
}

/**
 * Runs the worker on the test app's clock rather than the real one: as `bun run start` does in
 * development, the worker reads a clock offset from the database, here set so that its "now" is
 * the test clock's. Without a job it runs every job once, as the scheduled machine does. The
 * test clock must be ahead of real time, since the offset only moves the clock forward.
 */
export async function spawnWorkerOnTestClock(
  t: PlaidTestApp,
  job?: string,
): Promise<WorkerProcess> {
  const offsetMs = t.clock.now().getTime() - Date.now()
  if (offsetMs < 0) throw new Error('the test clock must be ahead of real time')
  await setClockOffset(t.db.database, offsetMs)

  return startWorker(t, job ? ['--job', job] : [], 'development')
}

function startWorker(
  t: PlaidTestApp,
  args: string[],
  appEnv: 'test' | 'development',
): WorkerProcess {
  const child = Bun.spawn(['bun', mainPath, ...args], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      APP_ENV: appEnv,
      LOG_LEVEL: 'info',
      DATABASE_URL: t.db.url,
      PLAID_LOCAL_URL: t.plaid.url,
      PUBLIC_URL: testPublicUrl,
    },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const lines: Record<string, unknown>[] = []
  let markStarted: (value: boolean) => void = () => {}
  const started = new Promise<boolean>((resolve) => {
    markStarted = resolve
  })

  void (async () => {
    const decoder = new TextDecoder()
    let buffered = ''
    for await (const chunk of child.stdout) {
      buffered += decoder.decode(chunk, { stream: true })
      const complete = buffered.split('\n')
      buffered = complete.pop() ?? ''
      for (const line of complete) {
        if (!line.startsWith('{')) continue
        const entry = JSON.parse(line) as Record<string, unknown>
        lines.push(entry)
        if (entry.event === 'job started') markStarted(true)
      }
    }
    markStarted(false)
  })()

  const stderr = new Response(child.stderr).text()

  return { process: child, started, lines, exited: child.exited, stderr }
}

/** A SIGKILLed worker keeps its lease until it expires; tests let it lapse at once. */
export async function expireLease(t: PlaidTestApp, job: string): Promise<void> {
  await t.db.database.db
    .update(jobLeases)
    .set({ expiresAt: new Date(0) })
    .where(eq(jobLeases.name, `job:${job}`))
}

/** Lets every job's lease lapse, as after a SIGKILLed worker's leases run out. */
export async function expireAllLeases(t: PlaidTestApp): Promise<void> {
  await t.db.database.db.update(jobLeases).set({ expiresAt: new Date(0) })
}
