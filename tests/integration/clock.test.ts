import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { enqueueEmail } from '@tenor/api/lib/outbox'
import {
  clockFor,
  createDatabaseClock,
  type SharedClock,
  setClockOffset,
  systemClock,
} from '@tenor/db'
import { createTestApp, type TestApp } from '../support/app.ts'
import { createTestDatabase, type TestDatabase } from '../support/database.ts'

const day = 24 * 60 * 60 * 1000

describe('the shared development clock', () => {
  let db: TestDatabase
  beforeEach(async () => {
    db = await createTestDatabase()
  })
  afterEach(() => db.remove())

  test('moves the API and the worker forward together', async () => {
    const api = createDatabaseClock(db.database)
    const worker = createDatabaseClock(db.database)
    await setClockOffset(db.database, 3 * day)
    await Promise.all([api.refresh(), worker.refresh()])
    for (const clock of [api, worker]) {
      expect(Math.abs(clock.now().getTime() - Date.now() - 3 * day)).toBeLessThan(1000)
      clock.stop()
    }
  })

  test('a process starting in development sees a moved clock from its first reading', async () => {
    await setClockOffset(db.database, 5 * day)
    const clock = await clockFor('development', db.database)
    expect(Math.abs(clock.now().getTime() - Date.now() - 5 * day)).toBeLessThan(1000)
    ;(clock as SharedClock).stop()
    expect(await clockFor('production', db.database)).toBe(systemClock)
  })

  test('never moves behind real time', async () => {
    const clock = createDatabaseClock(db.database)
    await setClockOffset(db.database, -day)
    await clock.refresh()
    expect(clock.offsetMs()).toBe(0)
    clock.stop()
  })
})

describe('POST /dev/clock', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await createTestApp()
  })
  afterEach(() => t.close())

  test('is refused where the clock is fixed (tests, staging)', async () => {
    const res = await t.request('/dev/clock', { json: { advanceDays: 30 } })
    expect(res.status).toBe(409)
    expect(await res.json()).toMatchObject({ error: { code: 'clock_fixed' } })
  })

  test('refuses anything but a whole number of days or a reset', async () => {
    for (const body of [{ advanceDays: 1.5 }, { advanceDays: 0 }, { reset: false }, {}]) {
      expect((await t.request('/dev/clock', { json: body })).status).toBe(422)
    }
  })
})

describe('the development mailbox', () => {
  let t: TestApp
  beforeEach(async () => {
    t = await createTestApp()
  })
  afterEach(() => t.close())

  test('lists the newest written message first, whatever clock dated it', async () => {
    const write = (subject: string, createdAt: Date) =>
      t.db.database.write((tx) =>
        enqueueEmail(
          tx,
          {
            kind: 'test',
            dedupeKey: subject,
            userId: null,
            to: 'ada@example.com',
            subject,
            text: subject,
            html: `<p>${subject}</p>`,
          },
          createdAt,
        ),
      )
    // A maturity email dated on a clock moved a year ahead, then a sign-up email on real time.
    await write('matured', new Date(t.clock.now().getTime() + 365 * day))
    await Bun.sleep(2)
    await write('confirm your address', t.clock.now())
    const subjects = (await t.mailbox('ada@example.com')).map((m) => m.subject)
    expect(subjects).toEqual(['confirm your address', 'matured'])
  })
})
