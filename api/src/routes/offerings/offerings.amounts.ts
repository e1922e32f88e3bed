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

/** Formats whole cents as US dollars: 250000 → "$2,500.00". */
export function formatUsd(cents: number): string {
  const dollars = Math.floor(cents / 100).toLocaleString('en-US')
  const rest = String(cents % 100).padStart(2, '0')

  return `$${dollars}.${rest}`
}
