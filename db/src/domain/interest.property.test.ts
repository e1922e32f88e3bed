import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import {
  addDays,
  type CalendarDate,
  calculateMaturityDate,
  compareDates,
  toCalendarDate,
} from './dates.ts'
import { countAccrualDays, getDaysInYear } from './day-count.ts'
import type { GrowthTerms } from './growth.ts'
import { calculateAccruedInterest, calculateInterest } from './interest.ts'
import { roundHalfEven } from './rounding.ts'
import { compoundings, dayCounts } from './terms.ts'

const epoch = toCalendarDate('2000-01-01')
const startDates = fc.integer({ min: 0, max: 20_000 }).map((offset) => addDays(epoch, offset))
const principals = fc.integer({ min: 0, max: 1_000_000_000 })
const rates = fc.integer({ min: 0, max: 3_000 })
const termMonths = fc.integer({ min: 1, max: 120 })
const growthTerms: fc.Arbitrary<GrowthTerms> = fc
  .record({
    rateBps: rates,
    rateType: fc.constantFrom('simple', 'compound'),
    dayCount: fc.constantFrom(...dayCounts),
    compounding: fc.constantFrom(...compoundings),
  })
  .map((terms) => (terms.rateType === 'simple' ? { ...terms, compounding: null } : terms))
const notes = fc
  .record({ terms: growthTerms, principalCents: principals, start: startDates, months: termMonths })
  .map(({ terms, principalCents, start, months }) => ({
    ...terms,
    principalCents,
    startDate: start,
    maturityDate: calculateMaturityDate(start, months),
  }))

describe('interest properties', () => {
  test('never pays negative interest', () => {
    fc.assert(
      fc.property(notes, (note) => {
        expect(calculateInterest(note)).toBeGreaterThanOrEqual(0)
      }),
    )
  })

  test('pays no less on a larger principal', () => {
    fc.assert(
      fc.property(notes, principals, (note, other) => {
        const [low, high] =
          other < note.principalCents ? [other, note.principalCents] : [note.principalCents, other]
        expect(calculateInterest({ ...note, principalCents: low })).toBeLessThanOrEqual(
          calculateInterest({ ...note, principalCents: high }),
        )
      }),
    )
  })

  test('pays no less at a higher rate', () => {
    fc.assert(
      fc.property(notes, rates, (note, other) => {
        const [low, high] = other < note.rateBps ? [other, note.rateBps] : [note.rateBps, other]
        expect(calculateInterest({ ...note, rateBps: low })).toBeLessThanOrEqual(
          calculateInterest({ ...note, rateBps: high }),
        )
      }),
    )
  })

  test('pays no less over a longer term', () => {
    fc.assert(
      fc.property(notes, fc.integer({ min: 0, max: 400 }), (note, extraDays) => {
        const longer = { ...note, maturityDate: addDays(note.maturityDate, extraDays) }
        expect(calculateInterest(note)).toBeLessThanOrEqual(calculateInterest(longer))
      }),
    )
  })

  test('accrues no more than the maturity interest, and exactly it at maturity', () => {
    fc.assert(
      fc.property(notes, fc.integer({ min: -40, max: 4_000 }), (note, offset) => {
        const asOf = addDays(note.startDate, offset)
        const accrued = calculateAccruedInterest({ ...note, asOf })
        const atMaturity = calculateInterest(note)
        expect(accrued).toBeGreaterThanOrEqual(0)
        expect(accrued).toBeLessThanOrEqual(atMaturity)
        if (offset <= 0) expect(accrued).toBe(0)
        if (isOnOrAfter(asOf, note.maturityDate)) expect(accrued).toBe(atMaturity)
        expect(calculateAccruedInterest({ ...note, asOf: note.maturityDate })).toBe(atMaturity)
      }),
    )
  })

  test('accrues no less from one day to the next', () => {
    fc.assert(
      fc.property(notes, fc.integer({ min: 0, max: 4_000 }), (note, offset) => {
        const today = addDays(note.startDate, offset)
        expect(calculateAccruedInterest({ ...note, asOf: today })).toBeLessThanOrEqual(
          calculateAccruedInterest({ ...note, asOf: addDays(today, 1) }),
        )
      }),
    )
  })

  test('pays simple interest as principal × rate × days / days-in-year, rounded once', () => {
    fc.assert(
      fc.property(notes, (note) => {
        const simple = { ...note, rateType: 'simple' as const, compounding: null }
        const days = countAccrualDays(note.dayCount, note.startDate, note.maturityDate)
        const expected = roundHalfEven(
          BigInt(note.principalCents) * BigInt(note.rateBps) * BigInt(days),
          10_000n * BigInt(getDaysInYear(note.dayCount)),
        )
        expect(calculateInterest(simple)).toBe(Number(expected))
      }),
    )
  })

  test('pays compound interest no less than simple interest', () => {
    fc.assert(
      fc.property(notes, (note) => {
        const simple = { ...note, rateType: 'simple' as const, compounding: null }
        const compound = {
          ...note,
          rateType: 'compound' as const,
          compounding: note.compounding ?? 'monthly',
        }
        expect(calculateInterest(simple)).toBeLessThanOrEqual(calculateInterest(compound))
      }),
    )
  })
})

function isOnOrAfter(date: CalendarDate, other: CalendarDate): boolean {
  return compareDates(date, other) >= 0
}
