import {
  AmountOutOfRangeError,
  type CalendarDate,
  type OfferingTerms,
  type PayoutPreview,
  previewPayout,
} from '@tenor/db/domain'

/**
 * The purchase-amount rule, shared by the payout preview and purchases so both refuse the same
 * amounts with the same words.
 */

export interface PurchaseLimits {
  minPurchaseCents: number
  maxPurchaseCents: number
  incrementCents: number
}

/** A whole number of cents above zero, written plainly: no sign, exponent, hex or decimals. */
export const amountCentsPattern = /^[1-9][0-9]{0,11}$/

/** Reads an amount of cents from text such as a query string; null unless plainly written. */
export function parseAmountCents(text: string): number | null {
  return amountCentsPattern.test(text) ? Number(text) : null
}

/**
 * Checks an amount against an offering's limits and answers what is wrong, in words, or null.
 * Amounts go up from the minimum in whole increments, as note denominations are stated
 * ("$500 and multiples of $100 above that").
 */
export function checkPurchaseAmount(limits: PurchaseLimits, amountCents: number): string | null {
  const { minPurchaseCents: min, maxPurchaseCents: max, incrementCents: step } = limits
  if (amountCents < min) return `The minimum purchase is ${formatUsd(min)}.`
  if (amountCents > max) return `The maximum purchase is ${formatUsd(max)}.`
  if ((amountCents - min) % step !== 0) {
    return `Amounts go up in steps of ${formatUsd(step)} from the ${formatUsd(min)} minimum.`
  }

  return null
}

/**
 * The largest amount an offering sells that does not exceed `cents` (capped at its maximum, in
 * its steps from the minimum), as a rollover buys with a matured note's money; null when even
 * the minimum is more.
 */
export function largestPurchaseWithin(limits: PurchaseLimits, cents: number): number | null {
  const { minPurchaseCents: min, maxPurchaseCents: max, incrementCents: step } = limits
  if (cents < min) return null
  return min + Math.floor((Math.min(cents, max) - min) / step) * step
}

/**
 * The payout of an amount under an offering's terms, or why none can be worked out: terms
 * stored before they were bounded can put a large amount's payout beyond exact whole cents.
 */
export function quotePayout(
  terms: OfferingTerms,
  principalCents: number,
  startDate: CalendarDate,
): { ok: true; payout: PayoutPreview } | { ok: false; problem: string } {
  try {
    return { ok: true, payout: previewPayout({ terms, principalCents, startDate }) }
  } catch (error) {
    if (!(error instanceof AmountOutOfRangeError)) throw error

    return {
      ok: false,
      problem: 'The payout of this amount is too large to work out. Choose a smaller amount.',
    }
  }
}

/** Formats whole cents as US dollars: 250000 → "$2,500.00". */
export function formatUsd(cents: number): string {
  const dollars = Math.floor(cents / 100).toLocaleString('en-US')
  const rest = String(cents % 100).padStart(2, '0')

  return `$${dollars}.${rest}`
}
