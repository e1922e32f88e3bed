import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import {
  addDays,
  addMonths,
  type CalendarDate,
  calculateMaturityDate,
  compareDates,
  countDaysInMonth,
  daysBetween,
  describeCalendarDate,
  formatCalendarDate,
  isCalendarDate,
  parseCalendarDate,
  toCalendarDate,
  toDateParts,
} from './dates.ts'

const day = toCalendarDate

describe('parseCalendarDate', () => {
  test('accepts real days, including February 29 in a leap year', () => {
    expect(parseCalendarDate('2025-01-15')).toBe(day('2025-01-15'))
    expect(parseCalendarDate('2024-02-29')).toBe(day('2024-02-29'))
    expect(parseCalendarDate('2000-02-29')).toBe(day('2000-02-29'))
  })

  test('answers null for malformed text and days that do not exist', () => {
    for (const text of [
      '2025-1-15',
      '2025-01-15T00:00',
      ' 2025-01-15',
      '2025-13-01',
      '2025-00-10',
    ]) {
      expect(parseCalendarDate(text)).toBeNull()
    }
    for (const text of ['2025-02-29', '1900-02-29', '2025-04-31', '2025-01-00', '0000-01-01']) {
      expect(parseCalendarDate(text)).toBeNull()
    }
  })

  test('throws a RangeError from toCalendarDate for an invalid date', () => {
    expect(() => toCalendarDate('2025-02-30')).toThrow(RangeError)
    expect(isCalendarDate('2025-02-30')).toBe(false)
    expect(isCalendarDate(20250101)).toBe(false)
  })

  test('formats parts back to the same date', () => {
    expect(formatCalendarDate({ year: 987, month: 3, day: 4 })).toBe(day('0987-03-04'))
    expect(toDateParts(day('2026-02-28'))).toEqual({ year: 2026, month: 2, day: 28 })
    expect(() => formatCalendarDate({ year: 2025, month: 2, day: 29 })).toThrow(RangeError)
  })
})

describe('addMonths', () => {
  test('clamps Aug 31 + 6 months to Feb 28, or Feb 29 in a leap year', () => {
    expect(addMonths(day('2025-08-31'), 6)).toBe(day('2026-02-28'))
    expect(addMonths(day('2023-08-31'), 6)).toBe(day('2024-02-29'))
  })

  test('clamps Jan 31 + 1 month to the end of February in leap and common years', () => {
    expect(addMonths(day('2025-01-31'), 1)).toBe(day('2025-02-28'))
    expect(addMonths(day('2024-01-31'), 1)).toBe(day('2024-02-29'))
    expect(addMonths(day('2100-01-31'), 1)).toBe(day('2100-02-28'))
  })

  test('keeps the day when it exists and does not snap to month end', () => {
    expect(addMonths(day('2025-02-28'), 1)).toBe(day('2025-03-28'))
    expect(addMonths(day('2025-01-15'), 24)).toBe(day('2027-01-15'))
  })

  test('moves across year boundaries both ways', () => {
    expect(addMonths(day('2025-11-30'), 3)).toBe(day('2026-02-28'))
    expect(addMonths(day('2025-03-31'), -1)).toBe(day('2025-02-28'))
    expect(addMonths(day('2025-01-10'), -13)).toBe(day('2023-12-10'))
  })

  test('counts the maturity date from the start, so clamping never drifts', () => {
    expect(calculateMaturityDate(day('2025-01-31'), 3)).toBe(day('2025-04-30'))
    expect(calculateMaturityDate(day('2025-08-31'), 12)).toBe(day('2026-08-31'))
    expect(() => calculateMaturityDate(day('2025-01-31'), 0)).toThrow(RangeError)
    expect(() => calculateMaturityDate(day('2025-01-31'), 1.5)).toThrow(RangeError)
  })
})

describe('addDays and daysBetween', () => {
  test('counts actual days end-exclusive', () => {
    expect(daysBetween(day('2025-01-15'), day('2026-01-15'))).toBe(365)
    expect(daysBetween(day('2024-01-15'), day('2025-01-15'))).toBe(366)
    expect(daysBetween(day('2025-01-15'), day('2025-07-15'))).toBe(181)
    expect(daysBetween(day('2025-01-15'), day('2025-01-15'))).toBe(0)
    expect(daysBetween(day('2025-01-16'), day('2025-01-15'))).toBe(-1)
  })

  test('counts calendar days across both 2025 New York DST changes', () => {
    // 2025-03-09 has 23 hours and 2025-11-02 has 25 in New York; neither changes the count.
    expect(daysBetween(day('2025-03-08'), day('2025-03-10'))).toBe(2)
    expect(daysBetween(day('2025-11-01'), day('2025-11-03'))).toBe(2)
    expect(daysBetween(day('2025-03-01'), day('2025-12-01'))).toBe(275)
    expect(addDays(day('2025-03-09'), 1)).toBe(day('2025-03-10'))
    expect(addDays(day('2025-11-02'), 1)).toBe(day('2025-11-03'))
  })

  test('steps over month, year and leap-day boundaries', () => {
    expect(addDays(day('2024-02-28'), 1)).toBe(day('2024-02-29'))
    expect(addDays(day('2024-02-29'), 1)).toBe(day('2024-03-01'))
    expect(addDays(day('2025-12-31'), 1)).toBe(day('2026-01-01'))
    expect(addDays(day('1970-01-01'), -1)).toBe(day('1969-12-31'))
  })

  test('agrees with a day-by-day walk of the calendar', () => {
    const dates = fc
      .date({ min: new Date('1600-01-01'), max: new Date('2400-12-31'), noInvalidDate: true })
      .map((instant) => toCalendarDate(instant.toISOString().slice(0, 10)))
    fc.assert(
      fc.property(dates, fc.integer({ min: -800, max: 800 }), (start, offset) => {
        const end = addDays(start, offset)
        expect(daysBetween(start, end)).toBe(offset)
        expect(compareDates(start, end) < 0).toBe(offset > 0)
        expect(compareDates(start, end) === 0).toBe(offset === 0)
        expect(addDays(start, 1)).toBe(nextDay(start))
      }),
    )
  })
})

function nextDay(date: CalendarDate): CalendarDate {
  const { year, month, day: dayOfMonth } = toDateParts(date)
  if (dayOfMonth < countDaysInMonth(year, month)) {
    return formatCalendarDate({ year, month, day: dayOfMonth + 1 })
  }

  return month === 12
    ? formatCalendarDate({ year: year + 1, month: 1, day: 1 })
    : formatCalendarDate({ year, month: month + 1, day: 1 })
}

describe('describeCalendarDate', () => {
  test('writes a calendar date in words, and leaves anything else alone', () => {
    expect(describeCalendarDate('2026-09-02')).toBe('September 2, 2026')
    expect(describeCalendarDate('2028-02-29')).toBe('February 29, 2028')
    expect(describeCalendarDate('2027-02-29')).toBe('2027-02-29')
    expect(describeCalendarDate('today')).toBe('today')
  })
})
