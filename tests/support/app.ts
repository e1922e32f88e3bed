import { createApp } from '@tenor/api'
import type { AppDeps } from '@tenor/api/context'
import { createDeps } from '@tenor/api/deps'
import { manualClock } from '@tenor/db'
import { parseEnv } from '@tenor/db/env'
import { createLogger } from '@tenor/db/logger'
import { createTestDatabase, type TestDatabase } from './database.ts'

export const testPublicUrl = 'http://tenor.test'

export interface TestApp {
  app: ReturnType<typeof createApp>
  deps: AppDeps
  db: TestDatabase
  clock: ReturnType<typeof manualClock>
  /** Sends a request in-process. `json` sets the body and Content-Type. */
  request(
    path: string,
    init?: { method?: string; json?: unknown; token?: string; headers?: Record<string, string> },
  ): Promise<Response>
  /** Emails written to the outbox for an address, newest first. */
  /** Every email written to an address, newest first, sent or not (`status`). */
  mailbox(to: string): Promise<{ kind: string; subject: string; text: string; status: string }[]>
  close(): void
}

export async function createTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase()
  const env = parseEnv({
    APP_ENV: 'test',
    DATABASE_URL: db.url,
    PUBLIC_URL: testPublicUrl,
    ...overrides,
  })
  const clock = manualClock(new Date('2026-03-02T15:00:00Z'))
  const deps: AppDeps = createDeps({
    env,
    database: db.database,
    log: createLogger('silent'),
    clock,
  })
  const app = createApp(deps)

  const request: TestApp['request'] = (path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers }
    if (init.json !== undefined) headers['content-type'] ??= 'application/json'
    if (init.token) headers.authorization = `Bearer ${init.token}`
    return Promise.resolve(
      app.request(path, {
        method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
        headers,
        body: init.json === undefined ? undefined : JSON.stringify(init.json),
      }),
    )
  }

  return {
    app,
    deps,
    db,
    clock,
    request,
    async mailbox(to) {
      const res = await request(`/dev/mailbox?to=${encodeURIComponent(to)}`)
      const body = (await res.json()) as {
        messages: { kind: string; subject: string; text: string; status: string }[]
      }
      return body.messages
    },
    close: () => db.remove(),
  }
}

/** Pulls the token out of the first link in an email's text part. */
export function tokenFromEmail(text: string): string {
  const match = text.match(/[?&]token=([A-Za-z0-9_-]+)/)
  if (!match?.[1]) throw new Error(`no token link in email:\n${text}`)
  return match[1]
}
