import { parseDollars } from '#lib/amount.ts'
import { formatDollarsInput } from '#lib/format.ts'
import { compoundingCodes } from '#lib/offering-terms-options.ts'
import type { AdminOffering, OfferingTerms } from './admin-offerings.ts'
import type { ApiProblem } from './api.ts'

/**
 * The offering form's fields, named as the API names the terms, so its issues land in place; but
 * for `interest`, one choice standing for two terms (`interestTerms`).
 */
export const offeringFields = [
  'slug',
  'name',
  'issuer',
  'description',
  'rateBps',
  'interest',
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

/** The amounts, each with an example of its own for when it cannot be read. */
const amountExamples = {
  capacityCents: '250,000',
  minPurchaseCents: '1,000',
  maxPurchaseCents: '50,000',
  incrementCents: '100',
} as const
const amountFields = Object.keys(amountExamples) as (keyof typeof amountExamples)[]

/**
 * The interest choice as the API's two terms: `simple`, or how often interest compounds. One
 * choice, so the form cannot ask for simple interest compounded monthly. Null when it is
 * neither (left empty, or a crafted post).
 */
export function interestTerms(
  choice: string,
): Pick<OfferingTerms, 'rateType' | 'compounding'> | null {
  if (choice === 'simple') return { rateType: 'simple', compounding: null }
  const compounding = compoundingCodes.find((code) => code === choice)
  if (compounding) return { rateType: 'compound', compounding }
  return null
}

/** The one choice the form shows for an offering's two interest terms. */
export function interestChoice(terms: Pick<OfferingTerms, 'rateType' | 'compounding'>): string {
  return terms.rateType === 'compound' && terms.compounding ? terms.compounding : 'simple'
}

/** The API's terms the form's `interest` choice stands for: their issues are shown on it. */
const interestPaths = new Set(['rateType', 'compounding'])
const dayCounts: readonly string[] = [
  'act_365f',
  'act_360',
  'thirty_360',
] satisfies OfferingTerms['dayCount'][]

/**
 * Reads the terms as typed: the rate as a percentage ("5.25"), amounts in dollars. What cannot
 * be read as a number is named here (`errors`) and goes to the API as null, which it refuses by
 * type: so the API still judges every other field and how they fit together, one submission
 * names every problem, and nothing is saved while one remains. A choice or a date left empty is
 * named here too, in words for the field rather than the API's list of codes or date format.
 */
export function readOfferingTerms(values: OfferingFormValues): {
  terms: OfferingTerms
  errors: Record<string, string>
} {
  const errors: Record<string, string> = {}
  const rateBps = parsePercent(values.rateBps)
  if (rateBps === null) errors.rateBps = rateProblem(values.rateBps, 'the rate', '5.25')
  const interest = interestTerms(values.interest)
  if (!interest) errors.interest = 'Choose simple interest or how often it compounds.'
  if (!dayCounts.includes(values.dayCount)) errors.dayCount = 'Choose how days are counted.'
  if (!values.opensOn.trim()) errors.opensOn = 'Enter the date it opens.'
  if (!values.closesOn.trim()) errors.closesOn = 'Enter the date it closes.'
  const termMonths = /^\d{1,3}$/.test(values.termMonths.trim()) ? Number(values.termMonths) : null
  if (termMonths === null) errors.termMonths = 'Enter the term in whole months, like 12.'
  const cents: Partial<Record<(typeof amountFields)[number], number | null>> = {}
  for (const field of amountFields) {
    cents[field] = parseDollars(values[field])
    if (cents[field] === null) {
      errors[field] = `Enter an amount in dollars, like ${amountExamples[field]}.`
    }
  }

  // The selects offer only the API's values; anything else (a crafted post) is the API's to
  // refuse, so these casts pass it through unchanged, as do the nulls above.
  const terms = {
    slug: values.slug.trim(),
    name: values.name,
    issuer: values.issuer,
    description: values.description,
    rateBps,
    // Unreadable, both go as null: the API refuses them, and the form names the choice itself.
    rateType: interest?.rateType ?? null,
    compounding: interest?.compounding ?? null,
    dayCount: values.dayCount,
    termMonths,
    ...cents,
    opensOn: values.opensOn.trim(),
    closesOn: values.closesOn.trim(),
  } as unknown as OfferingTerms
  return { terms, errors }
}

/**
 * The API's answer to a form, with what the form itself could not read named in its own words
 * in place of the API's ("Expected a number."), and the interest terms' issues on their choice.
 */
export function withReadErrors(problem: ApiProblem, errors: Record<string, string>): ApiProblem {
  const own = Object.entries(errors).map(([path, message]) => ({ path, message }))
  const rest = problem.issues
    .map((issue) => (interestPaths.has(issue.path) ? { ...issue, path: 'interest' } : issue))
    .filter((issue) => !(issue.path in errors))
  return { ...problem, issues: [...own, ...rest] }
}

/** An offering's terms as the form shows them. */
export function offeringFormValues(offering: AdminOffering): OfferingFormValues {
  return {
    slug: offering.slug,
    name: offering.name,
    issuer: offering.issuer,
    description: offering.description,
    rateBps: formatPercentInput(offering.rateBps),
    interest: interestChoice(offering),
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

/** Why a rate could not be read, in words for the form: `what` is "the rate", say. */
export function rateProblem(text: string, what: string, example: string): string {
  const given = text.trim()
  if (!given) return `Enter ${what}, like ${example}.`
  if (given.startsWith('-')) return `Enter ${what} as a positive percentage, like ${example}.`
  return `Enter ${what} as a percentage with at most two decimals, like ${example}.`
}

/**
 * "5.25" or "5.25%" as 525 basis points; null unless a plain percentage (below 1,000, at most
 * two decimals). Whether the rate is allowed (above zero, at most 50%) is the API's to say, so
 * "150" is read and refused as too high rather than as unreadable.
 */
export function parsePercent(text: string): number | null {
  const cleaned = text.trim().replace(/\s*%$/, '')
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(cleaned)) return null

  const [whole = '0', fraction = ''] = cleaned.split('.')
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'))
}

function formatPercentInput(bps: number): string {
  return `${Math.floor(bps / 100)}.${String(bps % 100).padStart(2, '0')}`
}
