import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { calculateApy, calculateApyBps, formatBasisPoints } from './apy.ts'
import { toCalendarDate as day } from './dates.ts'
import type { OfferingTerms } from './terms.ts'

const simpleEight = (termMonths: number): OfferingTerms => ({
  rateBps: 800,
  rateType: 'simple',
  dayCount: 'act_365f',
  termMonths,
})

describe('calculateApy', () => {
  test('shows 7.70% for a 24-month note paying 8% simple at maturity', () => {
    expect(calculateApy({ terms: simpleEight(24), startDate: day('2025-03-01') })).toEqual({
      apyBps: 770,
      apyDisplay: '7.70%',
    })
    // A term with a February 29 has 731 days and still shows 7.70%.
    expect(calculateApy({ terms: simpleEight(24), startDate: day('2024-01-15') }).apyBps).toBe(770)
  })

  test('shows 8.16% for a 6-month note paying 8% simple at maturity', () => {
    expect(calculateApy({ terms: simpleEight(6), startDate: day('2025-01-15') })).toEqual({
      apyBps: 816,
      apyDisplay: '8.16%',
    })
  })

  test('shows the stated rate for a 365-day note and for annual compounding', () => {
    expect(calculateApy({ terms: simpleEight(12), startDate: day('2025-01-15') }).apyBps).toBe(800)
    const annual: OfferingTerms = {
      ...simpleEight(24),
      rateType: 'compound',
      compounding: 'annual',
    }
    expect(calculateApy({ terms: annual, startDate: day('2025-03-01') }).apyBps).toBe(800)
  })

  test('shows the familiar yield of monthly and daily compounding', () => {
    const monthly: OfferingTerms = {
      ...simpleEight(12),
      rateType: 'compound',
      compounding: 'monthly',
    }
    const daily: OfferingTerms = { ...simpleEight(12), rateType: 'compound', compounding: 'daily' }
    expect(calculateApy({ terms: monthly, startDate: day('2025-01-15') }).apyDisplay).toBe('8.30%')
    expect(calculateApy({ terms: daily, startDate: day('2025-01-15') }).apyDisplay).toBe('8.33%')
  })
})

describe('calculateApyBps', () => {
  test('rounds an exact tie half-even when the exponent is one', () => {
    expect(calculateApyBps({ principalCents: 1_000_000, interestCents: 80_050, days: 365 })).toBe(
      800,
    )
    expect(calculateApyBps({ principalCents: 1_000_000, interestCents: 80_150, days: 365 })).toBe(
      802,
    )
  })

  test('rounds an exact tie half-even under a root', () => {
    // 1.08005² = 1.1665080025 and 1.08015² = 1.1667240225, so the APYs are 8.005% and 8.015%.
    const principalCents = 10_000_000_000
    expect(calculateApyBps({ principalCents, interestCents: 1_665_080_025, days: 730 })).toBe(800)
    expect(calculateApyBps({ principalCents, interestCents: 1_667_240_225, days: 730 })).toBe(802)
    expect(calculateApyBps({ principalCents, interestCents: 1_665_080_026, days: 730 })).toBe(801)
  })

  test('is zero when nothing is earned', () => {
    expect(calculateApyBps({ principalCents: 1_000_000, interestCents: 0, days: 181 })).toBe(0)
  })

  test('rejects a zero principal and a term without days', () => {
    expect(() => calculateApyBps({ principalCents: 0, interestCents: 0, days: 30 })).toThrow(
      RangeError,
    )
    expect(() => calculateApyBps({ principalCents: 100, interestCents: 1, days: 0 })).toThrow(
      RangeError,
    )
  })

  test('stays within half a basis point of the high-precision formula', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000, max: 100_000_000 }),
        fc.integer({ min: 0, max: 3_000 }),
        fc.integer({ min: 28, max: 3_700 }),
        (principalCents, rateBps, days) => {
          const interestCents = Math.floor((principalCents * rateBps * days) / 3_650_000)
          const apyBps = calculateApyBps({ principalCents, interestCents, days })
          const approximate = 10_000 * ((1 + interestCents / principalCents) ** (365 / days) - 1)
          expect(Math.abs(apyBps - approximate)).toBeLessThanOrEqual(0.5 + 1e-6)
        },
      ),
    )
  })
})

describe('formatBasisPoints', () => {
  test('writes basis points as a percentage with two decimals', () => {
    expect(formatBasisPoints(816)).toBe('8.16%')
    expect(formatBasisPoints(770)).toBe('7.70%')
    expect(formatBasisPoints(5)).toBe('0.05%')
    expect(formatBasisPoints(0)).toBe('0.00%')
    expect(formatBasisPoints(12_345)).toBe('123.45%')
    expect(() => formatBasisPoints(8.5)).toThrow(RangeError)
  })
})
