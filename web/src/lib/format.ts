/**
 * How money, rates, terms and dates read on the site. Shared by server and browser code, so a
 * figure looks the same whether it was rendered on the server or refreshed in the page.
 */

import { describeCalendarDate } from '@tenor/db/domain/dates'

// Pages show hundreds of amounts and dates, and each Intl call costs more than the rest of a
// table row; the fixed en-US forms below are written out instead (tests compare them with Intl).

/** A whole number with its digits in groups of three, as en-US writes it: 1234567 → "1,234,567". */
function groupThousands(whole: number): string {
  const digits = String(whole)
  let grouped = digits.slice(0, digits.length % 3 || 3)
  for (let at = grouped.length; at < digits.length; at += 3) {
    grouped += `,${digits.slice(at, at + 3)}`
  }
  return grouped
}

/** Whole cents as US dollars: 250000 → "$2,500.00". Exact: no floating-point division. */
export function formatUsd(cents: number): string {
  const sign = cents < 0 ? '−' : ''
  const magnitude = Math.abs(cents)
  const dollars = groupThousands(Math.floor(magnitude / 100))
  const rest = String(magnitude % 100).padStart(2, '0')

  return `${sign}$${dollars}.${rest}`
}

/** Whole cents as dollars for an input field: 100000 → "1,000", 100050 → "1,000.50". */
export function formatDollarsInput(cents: number): string {
  const dollars = groupThousands(Math.floor(cents / 100))
  const rest = cents % 100

  return rest === 0 ? dollars : `${dollars}.${String(rest).padStart(2, '0')}`
}

/** Basis points as a percentage: 525 → "5.25%", 600 → "6.00%". */
export function formatRate(bps: number): string {
  const whole = Math.floor(bps / 100)
  const rest = String(bps % 100).padStart(2, '0')

  return `${whole}.${rest}%`
}

export function formatTerm(months: number): string {
  return months === 1 ? '1 month' : `${months} months`
}

/**
 * A calendar date from the API (`2026-03-02`) in words: "March 2, 2026". Worked out from the
 * digits, never through a Date, so the reader's time zone cannot move it to the day before.
 */
export function formatDate(isoDate: string): string {
  const words = describeCalendarDate(isoDate.slice(0, 10))
  return words === isoDate.slice(0, 10) ? isoDate : words
}

const moment = new Intl.DateTimeFormat('en-US', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZone: 'America/New_York',
  timeZoneName: 'short',
})

// An instant's wording depends on the zone's rules, so Intl stays; the same purchases are shown
// on every visit, so wordings are kept, up to a bound.
const instantWordings = new Map<string, string>()
const maxInstantWordings = 5_000

/** An instant (`2026-03-02T14:05:00Z`) in Tenor's business time zone: "Mar 2, 2026, 9:05 AM EST". */
export function formatInstant(iso: string): string {
  const known = instantWordings.get(iso)
  if (known !== undefined) return known

  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  const wording = moment.format(date)
  if (instantWordings.size >= maxInstantWordings) instantWordings.clear()
  instantWordings.set(iso, wording)
  return wording
}

/** A share of a whole as a whole percentage, for bars and progress: never below 0 or above 100. */
export function percentOf(part: number, whole: number): number {
  if (whole <= 0) return 0
  return Math.min(100, Math.max(0, Math.round((part / whole) * 100)))
}

/**
 * A share in words: whole percents, but a little is "under 1%" and nearly all "over 99%", so
 * $1,000 of $250,000 does not read as nothing sold.
 */
export function describeShare(part: number, whole: number): string {
  if (whole <= 0 || part <= 0) return '0%'
  if (part >= whole) return '100%'
  const share = (part / whole) * 100
  if (share < 1) return 'under 1%'
  if (share > 99) return 'over 99%'
  return `${Math.round(share)}%`
}
