import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import {
  describeShare,
  formatDate,
  formatDollarsInput,
  formatInstant,
  formatUsd,
} from '../../web/src/lib/format.ts'

// The site writes amounts and dates out by hand for speed; Intl's en-US forms are the reference.
const wholeDollars = new Intl.NumberFormat('en-US')
const longDate = new Intl.DateTimeFormat('en-US', { dateStyle: 'long', timeZone: 'UTC' })
const cents = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })

describe('site formatting', () => {
  test('amounts group their dollars exactly as Intl does, at every length', () => {
    expect(formatUsd(0)).toBe('$0.00')
    expect(formatUsd(5)).toBe('$0.05')
    expect(formatUsd(99_999)).toBe('$999.99')
    expect(formatUsd(100_000)).toBe('$1,000.00')
    expect(formatUsd(123_456_789_01)).toBe('$123,456,789.01')
    expect(formatUsd(-250_050)).toBe('−$2,500.50')
    fc.assert(
      fc.property(cents, (amount) => {
        const dollars = wholeDollars.format(Math.floor(amount / 100))
        expect(formatUsd(amount)).toBe(`$${dollars}.${String(amount % 100).padStart(2, '0')}`)
        expect(formatDollarsInput(amount)).toStartWith(dollars)
      }),
      { numRuns: 2_000 },
    )
  })

  test('amounts for input fields drop zero cents', () => {
    expect(formatDollarsInput(100_000)).toBe('1,000')
    expect(formatDollarsInput(100_050)).toBe('1,000.50')
  })

  test('calendar dates read as Intl writes them, and nonsense is shown as given', () => {
    expect(formatDate('2026-03-02')).toBe('March 2, 2026')
    expect(formatDate('2026-12-31T23:00:00Z')).toBe('December 31, 2026')
    expect(formatDate('not a date')).toBe('not a date')
    fc.assert(
      fc.property(fc.date({ min: new Date('1970-01-01'), max: new Date('2199-12-31') }), (day) => {
        if (Number.isNaN(day.getTime())) return
        const iso = day.toISOString().slice(0, 10)
        expect(formatDate(iso)).toBe(longDate.format(new Date(`${iso}T00:00:00Z`)))
      }),
      { numRuns: 2_000 },
    )
  })

  test('instants read in the business time zone, the same on the second asking', () => {
    expect(formatInstant('2026-03-02T14:05:00Z')).toBe('Mar 2, 2026, 9:05 AM EST')
    expect(formatInstant('2026-07-02T14:05:00Z')).toBe('Jul 2, 2026, 10:05 AM EDT')
    expect(formatInstant('2026-03-02T14:05:00Z')).toBe('Mar 2, 2026, 9:05 AM EST')
    expect(formatInstant('later')).toBe('later')
  })
})

describe('a share in words', () => {
  test('a little is not nothing, and nearly all is not all', () => {
    expect(describeShare(100_000, 25_000_000)).toBe('under 1%')
    expect(describeShare(0, 25_000_000)).toBe('0%')
    expect(describeShare(12_500_000, 25_000_000)).toBe('50%')
    expect(describeShare(24_990_000, 25_000_000)).toBe('over 99%')
    expect(describeShare(25_000_000, 25_000_000)).toBe('100%')
    expect(describeShare(5, 0)).toBe('0%')
  })
})
