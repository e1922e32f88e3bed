import { describe, expect, test } from 'bun:test'
import { toCalendarDate as day } from './dates.ts'
import {
  calculateYearFraction,
  countAccrualDays,
  countThirty360Days,
  describeDayCount,
} from './day-count.ts'
import { dayCounts } from './terms.ts'

describe('countThirty360Days', () => {
  test('counts Jan 31 to Jul 31 as 180 days', () => {
    expect(countThirty360Days(day('2025-01-31'), day('2025-07-31'))).toBe(180)
  })

  test('counts whole months as 30 days and a whole year as 360', () => {
    expect(countThirty360Days(day('2025-01-15'), day('2025-07-15'))).toBe(180)
    expect(countThirty360Days(day('2024-01-15'), day('2025-01-15'))).toBe(360)
  })

  test('moves a 31st end date to the 30th only when the start is the 30th or 31st', () => {
    expect(countThirty360Days(day('2025-01-30'), day('2025-03-31'))).toBe(60)
    expect(countThirty360Days(day('2025-01-15'), day('2025-03-31'))).toBe(76)
  })

  test('leaves end-of-February dates as they are (Bond Basis, not NASD)', () => {
    expect(countThirty360Days(day('2025-08-31'), day('2026-02-28'))).toBe(178)
    expect(countThirty360Days(day('2025-02-28'), day('2025-03-31'))).toBe(33)
  })
})

describe('calculateYearFraction', () => {
  test('gives actual days over 365 or 360, or 30/360 days over 360', () => {
    const start = day('2025-01-15')
    const end = day('2025-07-15')
    expect(calculateYearFraction('act_365f', start, end)).toEqual({
      numerator: 181n,
      denominator: 365n,
    })
    expect(calculateYearFraction('act_360', start, end)).toEqual({
      numerator: 181n,
      denominator: 360n,
    })
    expect(calculateYearFraction('thirty_360', start, end)).toEqual({
      numerator: 180n,
      denominator: 360n,
    })
  })

  test('counts a leap year as 366 actual days under Act/365 Fixed', () => {
    expect(countAccrualDays('act_365f', day('2024-01-15'), day('2025-01-15'))).toBe(366)
  })
})

describe('describeDayCount', () => {
  test('explains every convention in plain words', () => {
    for (const dayCount of dayCounts) {
      const { name, description } = describeDayCount(dayCount)
      expect(name.length).toBeGreaterThan(0)
      expect(description).toMatch(/days/)
    }
    expect(describeDayCount('act_365f').name).toBe('Actual/365 Fixed')
  })
})
