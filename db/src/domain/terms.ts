/**
 * The words an offering uses to state how its notes earn interest. The lists match the
 * offerings table's column enums (a test holds them together).
 */

/** `simple`: interest on the principal only. `compound`: interest also earns interest. */
export const rateTypes = ['simple', 'compound'] as const
export type RateType = (typeof rateTypes)[number]

/** How often compound interest joins the principal. */
export const compoundings = ['annual', 'semiannual', 'quarterly', 'monthly', 'daily'] as const
export type Compounding = (typeof compoundings)[number]

/** Day-count conventions: how a stretch of dates becomes a fraction of a year. */
export const dayCounts = ['act_365f', 'act_360', 'thirty_360'] as const
export type DayCount = (typeof dayCounts)[number]

/** The interest terms of an offering, as stored on it. */
export interface OfferingTerms {
  /** Annual rate in basis points: 800 is 8%. Nominal, compounded as `compounding` says. */
  rateBps: number
  rateType: RateType
  /** Required for compound notes; empty (null or absent) for simple ones. */
  compounding?: Compounding | null
  dayCount: DayCount
  termMonths: number
}

/** Checks that an amount is a whole, non-negative number of cents within exact integer range. */
export function assertCents(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a whole, non-negative number of cents: ${value}`)
  }
}

/** Checks that a rate is a whole, non-negative number of basis points. */
export function assertRateBps(value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`A rate must be a whole, non-negative number of basis points: ${value}`)
  }
}
