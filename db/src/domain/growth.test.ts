import { describe, expect, test } from 'bun:test'
import { addDays, toCalendarDate as day } from './dates.ts'
import { calculateGrowthFactor, type GrowthTerms } from './growth.ts'
import { calculateAccruedInterest, calculateInterest, type InterestInput } from './interest.ts'
import type { Compounding, DayCount } from './terms.ts'

const compound = (compounding: Compounding, dayCount: DayCount = 'act_365f'): GrowthTerms => ({
  rateBps: 800,
  rateType: 'compound',
  compounding,
  dayCount,
})

function compoundNote(
  compounding: Compounding,
  dayCount: DayCount,
  start: string,
  maturity: string,
): InterestInput {
  return {
    ...compound(compounding, dayCount),
    principalCents: 1000000,
    startDate: day(start),
    maturityDate: day(maturity),
  }
}

describe('calculateGrowthFactor', () => {
  test('grows simply by 1 + r · year fraction', () => {
    const terms: GrowthTerms = { rateBps: 800, rateType: 'simple', dayCount: 'act_365f' }
    expect(calculateGrowthFactor(terms, day('2025-01-15'), day('2025-07-15'))).toEqual({
      numerator: 3650000n + 800n * 181n,
      denominator: 3650000n,
    })
  })

  test('compounds annually as (1 + r)^years over whole 365-day years', () => {
    const growth = calculateGrowthFactor(compound('annual'), day('2025-03-01'), day('2027-03-01'))
    expect(growth.numerator * 10000n).toBe(growth.denominator * 11664n)
  })

  test('compounds 30/360 monthly periods as exactly (1 + r/12)^months', () => {
    const growth = calculateGrowthFactor(
      compound('monthly', 'thirty_360'),
      day('2025-01-15'),
      day('2026-01-15'),
    )
    expect(growth.numerator * 150n ** 12n).toBe(growth.denominator * 151n ** 12n)
  })

  test('compounds daily as (1 + r / days in year) ^ accrual days', () => {
    const growth = calculateGrowthFactor(compound('daily'), day('2025-01-15'), day('2025-01-25'))
    expect(growth).toEqual({ numerator: 3650800n ** 10n, denominator: 3650000n ** 10n })
  })

  test('is one when the end is not after the start', () => {
    const start = day('2025-01-15')
    expect(calculateGrowthFactor(compound('monthly'), start, start)).toEqual({
      numerator: 1n,
      denominator: 1n,
    })
  })
})

describe('calculateInterest with compounding', () => {
  test('pays the textbook yields on 8% for a 30/360 year', () => {
    const year = (compounding: Compounding) =>
      calculateInterest(compoundNote(compounding, 'thirty_360', '2025-01-15', '2026-01-15'))
    expect(year('annual')).toBe(80000)
    expect(year('semiannual')).toBe(81600)
    expect(year('quarterly')).toBe(82432)
    expect(year('monthly')).toBe(83000)
    // (1 + 0.08/360)^360 − 1 = 8.3277…%.
    expect(year('daily')).toBe(83277)
  })

  test('gives the final part period simple interest on the compounded balance', () => {
    // 5 months quarterly, 30/360: one whole quarter, then 2 months at 8% · 60/360.
    const interest = calculateInterest(
      compoundNote('quarterly', 'thirty_360', '2025-01-15', '2025-06-15'),
    )
    expect(interest).toBe(Number(roundExactly(1000000n * 102n * 76n, 100n * 75n) - 1000000n))
  })

  test('accrues without a jump at a period boundary', () => {
    const note = compoundNote('monthly', 'act_365f', '2025-01-31', '2025-07-31')
    const boundary = day('2025-02-28')
    const before = calculateAccruedInterest({ ...note, asOf: addDays(boundary, -1) })
    const at = calculateAccruedInterest({ ...note, asOf: boundary })
    const after = calculateAccruedInterest({ ...note, asOf: addDays(boundary, 1) })
    // A day earns 219.18 cents before the boundary and 220.52 on the compounded balance after.
    expect(at - before).toBe(219)
    expect(after - at).toBe(221)
  })

  test('counts each period from the start so month-end periods do not drift', () => {
    // Periods end Feb 28, Mar 31, Apr 30: the term ends on the 30th, not on the 28th.
    const note = compoundNote('monthly', 'act_365f', '2025-01-31', '2025-04-30')
    const days = [28, 31, 30]
    const exact = days.reduce((product, d) => product * (3650000n + 800n * BigInt(d)), 1n)
    const denominator = 3650000n ** 3n
    expect(calculateInterest(note)).toBe(
      Number(roundExactly(1000000n * exact, denominator) - 1000000n),
    )
  })
})

// Half-up is enough here because the checked amounts are not ties.
function roundExactly(numerator: bigint, denominator: bigint): bigint {
  return (2n * numerator + denominator) / (2n * denominator)
}
