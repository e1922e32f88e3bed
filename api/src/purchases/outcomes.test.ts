import { describe, expect, test } from 'bun:test'
import { createSharedClock, manualClock } from '@tenor/db'
import { parseEnv } from '@tenor/db/env'
import { outcomeContextOf } from './outcomes.ts'

const env = parseEnv({ APP_ENV: 'test' })
const day = 24 * 60 * 60 * 1000

describe("a Plaid event's time on our clock", () => {
  test('is the instant itself on a real or a test clock', () => {
    const ctx = outcomeContextOf({ clock: manualClock(new Date('2026-03-02T15:00:00Z')), env })
    expect(ctx.eventTime('2026-12-04T10:00:00Z').toISOString()).toBe('2026-12-04T10:00:00.000Z')
  })

  test('moves with the development time control, as the sandbox keeps real time', async () => {
    const clock = createSharedClock(async () => 30 * day, 60_000)
    try {
      await clock.refresh()
      const ctx = outcomeContextOf({ clock, env })
      expect(ctx.eventTime('2026-12-04T10:00:00Z').toISOString()).toBe('2027-01-03T10:00:00.000Z')
    } finally {
      clock.stop()
    }
  })
})
