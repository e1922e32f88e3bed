import { formatUsd } from './format.ts'

/**
 * Reading a dollar amount typed by an investor. The API speaks whole cents; people type
 * "1,000", "$2,500.50" or "750". Shared by server and browser code so both read it alike.
 */

// Digits with optional thousands commas, then optional cents. No signs, no exponents.
const dollarsPattern = /^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?$/

/** Largest amount the site will pass on: well above any offering's maximum. */
const maxCents = 999_999_999_999

/** Whole cents for a typed dollar amount, or null when it is not plainly a positive amount. */
export function parseDollars(text: string): number | null {
  const cleaned = text.trim().replace(/^\$\s*/, '')
  if (!dollarsPattern.test(cleaned)) return null

  const [whole = '0', fraction = ''] = cleaned.replaceAll(',', '').split('.')
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'))

  return cents > 0 && cents <= maxCents ? cents : null
}

export const amountHelp = 'Enter an amount in dollars, like 1,000 or $2,500.'

/**
 * Why a typed amount could not be read: zero and a number past any note's size are told so,
 * with the offering's own limit when it is known; anything else is not a dollar amount.
 */
export function unreadableAmount(text: string, maxPurchaseCents?: number): string {
  const cleaned = text.trim().replace(/^\$\s*/, '')
  if (!dollarsPattern.test(cleaned)) return amountHelp
  if (/^[0,.]+$/.test(cleaned)) return 'Enter an amount above zero.'
  return maxPurchaseCents === undefined
    ? 'That is more than any note sells.'
    : `The maximum purchase is ${formatUsd(maxPurchaseCents)}.`
}
