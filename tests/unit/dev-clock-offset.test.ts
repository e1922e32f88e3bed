import { describe, expect, test } from 'bun:test'
import { offsetAdvancedBy } from '@tenor/db'
import { businessDateOf } from '@tenor/db/domain'

const day = 24 * 60 * 60 * 1000
const zone = 'America/New_York'

/** The wall time in New York, "YYYY-MM-DD HH:MM", of an instant. */
function newYork(at: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
  }).format(at)
  return `${businessDateOf(at, zone)} ${parts}`
}

/** Where the clock stands after moving `days` forward from `now` with no offset yet. */
const moved = (now: Date, days: number) =>
  new Date(now.getTime() + offsetAdvancedBy(0, now, days, zone))

describe('moving the development clock forward by days', () => {
  test('keeps the time of day across the spring change, even in the hour before midnight', () => {
    // 23:04 on 5 December (EST); 172 days later is 26 May (EDT), not the 27th.
    const now = new Date('2026-12-06T04:04:00Z')
    expect(newYork(now)).toBe('2026-12-05 23:04')
    expect(newYork(moved(now, 172))).toBe('2027-05-26 23:04')
    expect(offsetAdvancedBy(0, now, 172, zone)).toBe(172 * day - 60 * 60 * 1000)
  })

  test('keeps the time of day across the autumn change, just after midnight', () => {
    // 00:30 on 1 July (EDT); 180 days later is 28 December (EST), not the 27th.
    const now = new Date('2026-07-01T04:30:00Z')
    expect(newYork(now)).toBe('2026-07-01 00:30')
    expect(newYork(moved(now, 180))).toBe('2026-12-28 00:30')
  })

  test('is whole days when no change falls between, and adds to the offset already set', () => {
    const now = new Date('2026-12-06T04:04:00Z')
    expect(offsetAdvancedBy(0, now, 30, zone)).toBe(30 * day)
    expect(offsetAdvancedBy(5 * day, now, 1, zone)).toBe(6 * day)
  })
})
