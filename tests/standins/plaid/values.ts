import { invalidField } from './errors.ts'

const amountPattern = /^\d{1,12}(\.\d{1,2})?$/

/** Reads a Plaid decimal amount ("12.34") as whole cents; refuses zero, signs and extra decimals. */
export function parseAmountCents(field: string, value: string): number {
  if (!amountPattern.test(value)) {
    throw invalidField(`${field} must be a positive decimal string with at most two decimals`)
  }

  const [whole = '0', fraction = ''] = value.split('.')
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'))
  if (cents <= 0) throw invalidField(`${field} must be greater than zero`)

  return cents
}

/** Formats cents as Plaid's two-decimal strings, keeping the sign ("-10.00"). */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : ''
  const absolute = Math.abs(cents)
  const fraction = String(absolute % 100).padStart(2, '0')

  return `${sign}${Math.floor(absolute / 100)}.${fraction}`
}

/** Plaid's timestamps carry whole seconds: "2020-08-06T17:27:15Z". */
export function formatTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`
}

export function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10)
}

export function unixSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000)
}

export function addMinutes(date: Date, minutes: number): Date {
  return new Date(date.getTime() + minutes * 60_000)
}

/** Adds ACH business days; weekends are skipped, Federal Reserve holidays are not modelled. */
export function addBusinessDays(date: Date, days: number): Date {
  const next = new Date(date.getTime())
  let remaining = days
  while (remaining > 0) {
    next.setUTCDate(next.getUTCDate() + 1)
    const weekday = next.getUTCDay()
    if (weekday !== 0 && weekday !== 6) remaining -= 1
  }

  return next
}
