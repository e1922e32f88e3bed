import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { createLogger } from '@tenor/db/logger'
import { sessions } from '@tenor/db/schema'
import { runJob } from '@tenor/workers/job'
import { housekeeping } from '@tenor/workers/jobs/housekeeping'
import { createTestApp, type TestApp } from '../support/app.ts'
import { signUp } from '../support/users.ts'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

describe('housekeeping job', () => {
  test('removes expired sessions and keeps live ones, logging its counts', async () => {
    await signUp(t, 'old@example.com')
    t.clock.advance(8 * 24 * 60 * 60 * 1000)
    const live = await signUp(t, 'new@example.com')
    const lines: string[] = []
    const log = createLogger('info', {}, (line) => lines.push(line))

    expect(await runJob(housekeeping, { deps: t.deps, log })).toBe('succeeded')

    const rows = await t.db.database.db.select().from(sessions)
    expect(rows).toHaveLength(1)
    expect((await t.request('/me', { token: live.token })).status).toBe(200)
    const outcome = lines.map((line) => JSON.parse(line)).find((l) => l.event === 'job succeeded')
    expect(outcome).toMatchObject({ job: 'housekeeping', sessionsRemoved: 1 })
  })
})
