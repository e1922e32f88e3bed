import { describe, expect, test } from 'bun:test'
import { toCalendarDate as day } from './dates.ts'
import { AmountOutOfRangeError, MAX_PURCHASE_CENTS } from './limits.ts'
import { previewPayout } from './payout.ts'
import type { OfferingTerms } from './terms.ts'

describe('previewPayout', () => {
  test('shows principal, interest, total, maturity and APY for a 6-month simple note', () => {
    const terms: OfferingTerms = {
      rateBps: 800,
      rateType: 'simple',
      compounding: null,
      dayCount: 'act_365f',
      termMonths: 6,
    }
    expect(previewPayout({ terms, principalCents: 100_000, startDate: day('2025-01-15') })).toEqual(
      {
        principalCents: 100_000,
        interestCents: 3967,
        totalCents: 103_967,
        maturityDate: day('2025-07-15'),
        apyBps: 816,
        apyDisplay: '8.16%',
      },
    )
  })

  test('pays interest to the day a note is repaid before the end of its term', () => {
    const terms: OfferingTerms = {
      rateBps: 800,
      rateType: 'simple',
      compounding: null,
      dayCount: 'act_365f',
      termMonths: 6,
    }
    const preview = previewPayout({
      terms,
      principalCents: 100_000,
      startDate: day('2026-03-02'),
      repaidOn: day('2026-03-09'),
    })
    expect(preview).toMatchObject({
      interestCents: 153,
      totalCents: 100_153,
      maturityDate: day('2026-03-09'),
      apyDisplay: '8.16%',
    })
  })

  test('matures a note bought on Aug 31 on the clamped Feb 28 (E5)', () => {
    const terms: OfferingTerms = {
      rateBps: 800,
      rateType: 'simple',
      dayCount: 'thirty_360',
      termMonths: 6,
    }
    const preview = previewPayout({ terms, principalCents: 100_000, startDate: day('2025-08-31') })
    expect(preview.maturityDate).toBe(day('2026-02-28'))
    expect(preview.interestCents).toBe(3956)
    expect(preview.totalCents).toBe(103_956)
  })

  test('pays 83200 on a 24-month note compounding 8% annually (E4b)', () => {
    const terms: OfferingTerms = {
      rateBps: 800,
      rateType: 'compound',
      compounding: 'annual',
      dayCount: 'act_365f',
      termMonths: 24,
    }
    const preview = previewPayout({ terms, principalCents: 500_000, startDate: day('2025-03-01') })
    expect(preview).toMatchObject({ interestCents: 83_200, totalCents: 583_200, apyBps: 800 })
  })

  test('shows the same APY whatever the principal', () => {
    const terms: OfferingTerms = {
      rateBps: 750,
      rateType: 'simple',
      dayCount: 'act_360',
      termMonths: 9,
    }
    const startDate = day('2025-05-20')
    const small = previewPayout({ terms, principalCents: 1_001, startDate })
    const large = previewPayout({ terms, principalCents: 987_654_321, startDate })
    expect(small.apyDisplay).toBe(large.apyDisplay)
  })

  test('rejects a fractional principal and a term of no months', () => {
    const terms: OfferingTerms = {
      rateBps: 800,
      rateType: 'simple',
      dayCount: 'act_365f',
      termMonths: 0,
    }
    const startDate = day('2025-01-15')
    expect(() => previewPayout({ terms, principalCents: 100, startDate })).toThrow(RangeError)
    expect(() =>
      previewPayout({ terms: { ...terms, termMonths: 6 }, principalCents: 10.5, startDate }),
    ).toThrow(RangeError)
  })

  test('says a payout beyond exact whole cents is out of range, not a bad input', () => {
    const terms: OfferingTerms = {
      rateBps: 5000,
      rateType: 'compound',
      compounding: 'monthly',
      dayCount: 'act_365f',
      termMonths: 360,
    }
    const startDate = day('2026-03-02')
    expect(() => previewPayout({ terms, principalCents: 100_000_000_000, startDate })).toThrow(
      AmountOutOfRangeError,
    )
    // The largest purchase taken stays in range at the highest rate and longest term.
    const largest = previewPayout({ terms, principalCents: MAX_PURCHASE_CENTS, startDate })
    expect(Number.isSafeInteger(largest.totalCents)).toBe(true)
    for (const compounding of ['daily', 'monthly'] as const) {
      const worst = { ...terms, compounding, dayCount: 'act_360' as const }
      const payout = previewPayout({ terms: worst, principalCents: MAX_PURCHASE_CENTS, startDate })
      expect(payout.totalCents).toBeLessThan(Number.MAX_SAFE_INTEGER / 10)
    }
  })
})
