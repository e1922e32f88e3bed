import { describe, expect, test } from 'bun:test'
import { businessDateOf, DEFAULT_BUSINESS_TIME_ZONE, startOfBusinessDate } from './business-date.ts'
import { toCalendarDate } from './dates.ts'

/** The business date of an ISO instant, widened to a string for comparing with literals. */
const dateOf = (iso: string, timeZone?: string): string => businessDateOf(new Date(iso), timeZone)

describe('businessDateOf', () => {
  test('uses New York by default', () => {
    expect(DEFAULT_BUSINESS_TIME_ZONE).toBe('America/New_York')
    // 03:30 UTC on Jan 16 is 22:30 on Jan 15 in New York (EST, UTC−5).
    expect(dateOf('2025-01-16T03:30:00Z')).toBe('2025-01-15')
  })

  test('turns the New York day at local midnight in winter and summer', () => {
    expect(dateOf('2025-01-16T04:59:59.999Z')).toBe('2025-01-15')
    expect(dateOf('2025-01-16T05:00:00Z')).toBe('2025-01-16')
    // EDT is UTC−4.
    expect(dateOf('2025-07-16T03:59:59.999Z')).toBe('2025-07-15')
    expect(dateOf('2025-07-16T04:00:00Z')).toBe('2025-07-16')
  })

  test('dates instants around the 2025 DST changes by the local calendar', () => {
    // Clocks jump from 02:00 to 03:00 on 2025-03-09; the day still begins at 05:00 UTC.
    expect(dateOf('2025-03-09T04:59:59Z')).toBe('2025-03-08')
    expect(dateOf('2025-03-09T05:00:00Z')).toBe('2025-03-09')
    expect(dateOf('2025-03-10T03:59:59Z')).toBe('2025-03-09')
    expect(dateOf('2025-03-10T04:00:00Z')).toBe('2025-03-10')
    // Clocks fall back from 02:00 to 01:00 on 2025-11-02; 01:30 happens twice, same day.
    expect(dateOf('2025-11-02T05:30:00Z')).toBe('2025-11-02')
    expect(dateOf('2025-11-02T06:30:00Z')).toBe('2025-11-02')
    expect(dateOf('2025-11-03T04:59:59Z')).toBe('2025-11-02')
  })

  test('follows the zone it is given', () => {
    const instant = '2025-01-16T03:30:00Z'
    expect(dateOf(instant, 'UTC')).toBe('2025-01-16')
    expect(dateOf(instant, 'Asia/Tokyo')).toBe('2025-01-16')
    expect(dateOf(instant, 'America/Los_Angeles')).toBe('2025-01-15')
  })

  test('rejects an unknown zone and an invalid instant', () => {
    expect(() => businessDateOf(new Date(), 'Mars/Olympus_Mons')).toThrow(RangeError)
    expect(() => businessDateOf(new Date(Number.NaN))).toThrow(RangeError)
  })
})

describe('startOfBusinessDate', () => {
  test('is midnight in the business zone, daylight saving or not', () => {
    expect(startOfBusinessDate(toCalendarDate('2026-12-11')).toISOString()).toBe(
      '2026-12-11T05:00:00.000Z',
    )
    expect(startOfBusinessDate(toCalendarDate('2026-07-04')).toISOString()).toBe(
      '2026-07-04T04:00:00.000Z',
    )
    // The day New York springs forward still starts at its midnight, in standard time.
    expect(startOfBusinessDate(toCalendarDate('2026-03-08')).toISOString()).toBe(
      '2026-03-08T05:00:00.000Z',
    )
    expect(startOfBusinessDate(toCalendarDate('2026-12-11'), 'UTC').toISOString()).toBe(
      '2026-12-11T00:00:00.000Z',
    )
  })
})
