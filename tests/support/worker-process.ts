import { resolve } from 'node:path'
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
  const child = Bun.spawn(['bun', mainPath, '--job', job], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      APP_ENV: 'test',
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
