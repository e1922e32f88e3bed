import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { manualClock } from '@tenor/db'
import { acquireLease } from '@tenor/db/lease'
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

describe('job leases', () => {
  test('are timed by the wall clock, however far the business clock moves', async () => {
    const wallClock = manualClock(t.clock.now())
    const deps = { ...t.deps, wallClock }
    const log = createLogger('silent')
    // A run that crashed holding the lease, taken at wall-clock time.
    const held = await acquireLease(t.db.database, {
      name: 'job:housekeeping',
      holder: 'crashed-run',
      now: wallClock.now(),
      ttlMs: 15 * 60 * 1000,
    })
    expect(held).toBe(true)

    // The business clock a year on does not free it: that would run the job twice.
    t.clock.advance(365 * 24 * 60 * 60 * 1000)
    expect(await runJob(housekeeping, { deps, log })).toBe('skipped')
    // Back where it was, it does not keep it for a year either: the lease ends 15 minutes on.
    t.clock.advance(-365 * 24 * 60 * 60 * 1000)
    wallClock.advance(15 * 60 * 1000 + 1)
    expect(await runJob(housekeeping, { deps, log })).toBe('succeeded')
  })
})

describe('a job whose lease the database refuses', () => {
  test('is reported failed and logged, without throwing to the worker', async () => {
    const lines: string[] = []
    const log = createLogger('info', {}, (line) => lines.push(line))
    // The lease's table is gone, as a database refusing every write would answer.
    await t.db.database.client.execute('drop table job_leases')

    expect(await runJob(housekeeping, { deps: t.deps, log })).toBe('failed')
    const logged = lines.map((line) => JSON.parse(line))
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'error',
        event: 'job could not run or record its run',
        job: 'housekeeping',
      }),
    )
  })
})
