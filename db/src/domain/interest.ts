import { type CalendarDate, compareDates, minDate } from './dates.ts'
import { calculateGrowthFactor, type GrowthTerms } from './growth.ts'
import { AmountOutOfRangeError } from './limits.ts'
import { roundHalfEven } from './rounding.ts'
import { assertCents, assertRateBps } from './terms.ts'

/** Everything that decides the interest a note earns over its term. */
export interface InterestInput extends GrowthTerms {
  principalCents: number
  startDate: CalendarDate
  maturityDate: CalendarDate
}

/** Interest terms plus the date the accrual is read on. */
export interface AccruedInterestInput extends InterestInput {
  asOf: CalendarDate
}

/**
 * Calculates the interest, in whole cents, a note earns from its start date to its maturity
 * date: principal × (growth factor − 1), computed as an exact fraction and rounded once,
 * half-even, to the cent. The growth factor follows `calculateGrowthFactor`.
 */
export function calculateInterest(input: InterestInput): number {
  if (compareDates(input.maturityDate, input.startDate) < 0) {
    throw new RangeError(`Maturity ${input.maturityDate} is before start ${input.startDate}`)
  }

  return calculateInterestBetween(input, input.maturityDate)
}

/**
 * Calculates the interest accrued from the start date to `asOf` (or to maturity, if `asOf` is
 * later): zero on or before the start date, equal to `calculateInterest` from maturity on.
 * Each day is its own single rounding of the exact amount, never a sum of rounded days, so the
 * daily figure cannot drift from the maturity interest; post the day-to-day differences.
 */
export function calculateAccruedInterest(input: AccruedInterestInput): number {
  if (compareDates(input.maturityDate, input.startDate) < 0) {
    throw new RangeError(`Maturity ${input.maturityDate} is before start ${input.startDate}`)
  }

  return calculateInterestBetween(input, minDate(input.asOf, input.maturityDate))
}

function calculateInterestBetween(input: InterestInput, end: CalendarDate): number {
  assertCents(input.principalCents, 'A principal')
  assertRateBps(input.rateBps)

  const growth = calculateGrowthFactor(input, input.startDate, end)
  const principal = BigInt(input.principalCents)
  const interest = roundHalfEven(
    principal * (growth.numerator - growth.denominator),
    growth.denominator,
  )

  const cents = Number(interest)
  if (!Number.isSafeInteger(cents)) {
    throw new AmountOutOfRangeError(`Interest is too large: ${interest}`)
  }

  return cents
}
