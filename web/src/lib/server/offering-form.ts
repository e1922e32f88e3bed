import { parseDollars } from '#lib/amount.ts'
import { formatDollarsInput } from '#lib/format.ts'
import type { AdminOffering, OfferingTerms } from './admin-offerings.ts'

/** The offering form's fields, named as the API names the terms, so its issues land in place. */
export const offeringFields = [
  'slug',
  'name',
  'issuer',
  'description',
  'rateBps',
  'rateType',
  'compounding',
  'dayCount',
  'termMonths',
  'capacityCents',
  'minPurchaseCents',
  'maxPurchaseCents',
  'incrementCents',
  'opensOn',
  'closesOn',
] as const

export type OfferingField = (typeof offeringFields)[number]
export type OfferingFormValues = Record<OfferingField, string>

const amountFields = [
  'capacityCents',
  'minPurchaseCents',
  'maxPurchaseCents',
  'incrementCents',
] as const

/**
 * Reads the terms as typed: the rate as a percentage ("5.25"), amounts in dollars. What cannot
 * be read as a number is refused here, field by field; the API judges everything else.
 */
export function readOfferingTerms(
  values: OfferingFormValues,
): { ok: true; terms: OfferingTerms } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {}
  const rateBps = parsePercent(values.rateBps)
  if (rateBps === null) errors.rateBps = 'Enter the rate as a percentage, like 5.25.'
  const termMonths = /^\d{1,3}$/.test(values.termMonths.trim()) ? Number(values.termMonths) : null
  if (termMonths === null) errors.termMonths = 'Enter the term in whole months, like 12.'
  const cents: Partial<Record<(typeof amountFields)[number], number>> = {}
  for (const field of amountFields) {
    const parsed = parseDollars(values[field])
    if (parsed === null) errors[field] = 'Enter an amount in dollars, like 250,000.'
    else cents[field] = parsed
  }
  if (rateBps === null || termMonths === null || Object.keys(errors).length > 0) {
    return { ok: false, errors }
  }

  // The selects offer only the API's values; anything else (a crafted post) is the API's to
  // refuse, so these casts pass it through unchanged.
  const terms = {
    slug: values.slug.trim(),
    name: values.name,
    issuer: values.issuer,
    description: values.description,
    rateBps,
    rateType: values.rateType as OfferingTerms['rateType'],
    compounding: (values.compounding || null) as OfferingTerms['compounding'],
    dayCount: values.dayCount as OfferingTerms['dayCount'],
    termMonths,
    capacityCents: cents.capacityCents ?? 0,
    minPurchaseCents: cents.minPurchaseCents ?? 0,
    maxPurchaseCents: cents.maxPurchaseCents ?? 0,
    incrementCents: cents.incrementCents ?? 0,
    opensOn: values.opensOn.trim(),
    closesOn: values.closesOn.trim(),
  }
  return { ok: true, terms }
}

/** An offering's terms as the form shows them. */
export function offeringFormValues(offering: AdminOffering): OfferingFormValues {
  return {
    slug: offering.slug,
    name: offering.name,
    issuer: offering.issuer,
    description: offering.description,
    rateBps: formatPercentInput(offering.rateBps),
    rateType: offering.rateType,
    compounding: offering.compounding ?? '',
    dayCount: offering.dayCount,
    termMonths: String(offering.termMonths),
    capacityCents: formatDollarsInput(offering.capacityCents),
    minPurchaseCents: formatDollarsInput(offering.minPurchaseCents),
    maxPurchaseCents: formatDollarsInput(offering.maxPurchaseCents),
    incrementCents: formatDollarsInput(offering.incrementCents),
    opensOn: offering.opensOn,
    closesOn: offering.closesOn,
  }
}

/** "5.25" or "5.25%" as 525 basis points; null unless a plain percentage up to 50. */
export function parsePercent(text: string): number | null {
  const cleaned = text.trim().replace(/\s*%$/, '')
  if (!/^\d{1,2}(\.\d{1,2})?$/.test(cleaned)) return null

  const [whole = '0', fraction = ''] = cleaned.split('.')
  const bps = Number(whole) * 100 + Number(fraction.padEnd(2, '0'))
  return bps > 0 && bps <= 5000 ? bps : null
}

function formatPercentInput(bps: number): string {
  return `${Math.floor(bps / 100)}.${String(bps % 100).padStart(2, '0')}`
}
