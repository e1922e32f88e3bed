import { describe, expect, test } from 'bun:test'
import { addDays, toCalendarDate as day } from './dates.ts'
import { calculateAccruedInterest, calculateInterest, type InterestInput } from './interest.ts'
import type { DayCount } from './terms.ts'

function simpleNote(
  principalCents: number,
  rateBps: number,
  dayCount: DayCount,
  start: string,
  maturity: string,
): InterestInput {
  return {
    principalCents,
    rateBps,
    rateType: 'simple',
    dayCount,
    startDate: day(start),
    maturityDate: day(maturity),
  }
}

// The worked examples of money.md §2.6, all in cents.
describe('calculateInterest on the worked examples', () => {
  test('pays 8000 on 100000 at 8% simple for a 365-day year, Act/365F (E1)', () => {
    expect(calculateInterest(simpleNote(100000, 800, 'act_365f', '2025-01-15', '2026-01-15'))).toBe(
      8000,
    )
  })

  test('pays 3967, 4022 and 4000 for six months under the three conventions (E2)', () => {
    const six = (dayCount: DayCount) =>
      simpleNote(100000, 800, dayCount, '2025-01-15', '2025-07-15')
    expect(calculateInterest(six('act_365f'))).toBe(3967)
    expect(calculateInterest(six('act_360'))).toBe(4022)
    expect(calculateInterest(six('thirty_360'))).toBe(4000)
  })

  test('pays a leap year 366 days under Act/365F but 360 under 30/360 (E3)', () => {
    const leap = (dayCount: DayCount) =>
      simpleNote(1000000, 800, dayCount, '2024-01-15', '2025-01-15')
    expect(calculateInterest(leap('act_365f'))).toBe(80219)
    expect(calculateInterest(leap('thirty_360'))).toBe(80000)
  })

  test('pays 80000 simple and 83200 compounded annually over 24 months (E4)', () => {
    const note = simpleNote(500000, 800, 'act_365f', '2025-03-01', '2027-03-01')
    expect(calculateInterest(note)).toBe(80000)
    expect(calculateInterest({ ...note, rateType: 'compound', compounding: 'annual' })).toBe(83200)
  })

  test('pays 3956 under 30/360 from Aug 31 to the clamped Feb 28, 3967 under Act/365F (E5)', () => {
    const eom = (dayCount: DayCount) =>
      simpleNote(100000, 800, dayCount, '2025-08-31', '2026-02-28')
    expect(calculateInterest(eom('thirty_360'))).toBe(3956)
    expect(calculateInterest(eom('act_365f'))).toBe(3967)
  })

  test('rounds the exact 3748.5 cents half-even to 3748 (E7)', () => {
    expect(
      calculateInterest(simpleNote(99960, 750, 'thirty_360', '2025-01-15', '2025-07-15')),
    ).toBe(3748)
  })
})

describe('calculateInterest guards', () => {
  const note = simpleNote(100000, 800, 'act_365f', '2025-01-15', '2025-07-15')

  test('pays nothing on a zero principal, a zero rate or a zero-day term', () => {
    expect(calculateInterest({ ...note, principalCents: 0 })).toBe(0)
    expect(calculateInterest({ ...note, rateBps: 0 })).toBe(0)
    expect(calculateInterest({ ...note, maturityDate: note.startDate })).toBe(0)
  })

  test('rejects fractional or negative cents and rates, and a maturity before the start', () => {
    expect(() => calculateInterest({ ...note, principalCents: 100.5 })).toThrow(RangeError)
    expect(() => calculateInterest({ ...note, principalCents: -1 })).toThrow(RangeError)
    expect(() => calculateInterest({ ...note, rateBps: 7.5 })).toThrow(RangeError)
    expect(() => calculateInterest({ ...note, maturityDate: day('2025-01-14') })).toThrow(
      RangeError,
    )
  })

  test('rejects a compound rate without a compounding period', () => {
    expect(() => calculateInterest({ ...note, rateType: 'compound' })).toThrow(RangeError)
    expect(() => calculateInterest({ ...note, rateType: 'compound', compounding: null })).toThrow(
      RangeError,
    )
  })
})

describe('calculateAccruedInterest', () => {
  const note = simpleNote(100000, 800, 'act_365f', '2025-01-15', '2025-07-15')

  test('accrues nothing on or before the start date', () => {
    expect(calculateAccruedInterest({ ...note, asOf: day('2024-12-31') })).toBe(0)
    expect(calculateAccruedInterest({ ...note, asOf: note.startDate })).toBe(0)
  })

  test('rounds the exact accrual once per day instead of adding rounded days', () => {
    // One day is 21.92 cents; adding 22 cents a day would reach 3982 after 181 days.
    expect(calculateAccruedInterest({ ...note, asOf: day('2025-01-16') })).toBe(22)
    expect(calculateAccruedInterest({ ...note, asOf: day('2025-01-17') })).toBe(44)
    expect(calculateAccruedInterest({ ...note, asOf: day('2025-04-15') })).toBe(1973)
    expect(calculateAccruedInterest({ ...note, asOf: addDays(note.maturityDate, -1) })).toBe(3945)
  })

  test('equals the maturity interest on and after maturity', () => {
    expect(calculateAccruedInterest({ ...note, asOf: note.maturityDate })).toBe(3967)
    expect(calculateAccruedInterest({ ...note, asOf: day('2030-01-01') })).toBe(3967)
  })

  test('posting daily differences sums to the maturity interest', () => {
    let posted = 0
    let previous = 0
    for (let offset = 1; offset <= 181; offset++) {
      const accrued = calculateAccruedInterest({ ...note, asOf: addDays(note.startDate, offset) })
      posted += accrued - previous
      previous = accrued
    }
    expect(posted).toBe(calculateInterest(note))
  })
})
