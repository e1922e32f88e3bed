import { describeDayCount as nameDayCount } from '@tenor/db/domain/day-count'
import type { AdminOffering, OfferingTerms } from '#lib/server/admin-offerings.ts'

/**
 * Labels for the admin console's offering form and lists. Typed against the API's own enums,
 * so a value it adds or drops fails the typecheck here.
 */
const rateTypes: Record<OfferingTerms['rateType'], string> = {
  simple: 'Simple interest',
  compound: 'Compound interest',
}

const compoundings: Record<NonNullable<OfferingTerms['compounding']>, string> = {
  annual: 'Once a year',
  semiannual: 'Twice a year',
  quarterly: 'Every quarter',
  monthly: 'Every month',
  daily: 'Every day',
}

// The API's own names for the conventions, as the public offering pages show them.
const dayCounts: Record<OfferingTerms['dayCount'], string> = {
  act_365f: nameDayCount('act_365f').name,
  act_360: nameDayCount('act_360').name,
  thirty_360: nameDayCount('thirty_360').name,
}

/** The API's compounding codes: the keys of their labels, so both list every code. */
export const compoundingCodes = Object.keys(compoundings) as NonNullable<
  OfferingTerms['compounding']
>[]

const toOptions = (labels: Record<string, string>) =>
  Object.entries(labels).map(([value, label]) => ({ value, label }))

export const offeringOptions = {
  /** Simple interest, or compound at one of its frequencies: one choice for the two terms. */
  interest: [
    { value: 'simple', label: rateTypes.simple },
    ...Object.entries(compoundings).map(([value, label]) => ({
      value,
      label: `Compound, ${label.toLowerCase()}`,
    })),
  ],
  dayCount: toOptions(dayCounts),
}

export function describeDayCount(dayCount: OfferingTerms['dayCount']): string {
  return dayCounts[dayCount]
}

const termLabels: Record<string, Record<string, string>> = {
  rateType: rateTypes,
  compounding: compoundings,
  dayCount: dayCounts,
}

/**
 * A stored term's code in the console's words ("act_365f" reads "Actual/365 Fixed"), for
 * records that keep codes, such as the audit trail; null for a field or code it has no label for.
 */
export function describeTermCode(field: string, code: string): string | null {
  return termLabels[field]?.[code] ?? null
}

export function describeRateType(terms: Pick<OfferingTerms, 'rateType' | 'compounding'>): string {
  if (terms.rateType === 'simple' || !terms.compounding) return rateTypes[terms.rateType]
  return `Compounds ${compoundings[terms.compounding].toLowerCase()}`
}

/**
 * What happens to the offering's notes at maturity. Only a payout can be a default; a rollover
 * stored as one on an older offering is not applied, and the console says so.
 */
export function describeMaturity(instruction: AdminOffering['defaultMaturityInstruction']): string {
  return instruction === 'payout'
    ? "Paid to the investor's bank, unless the investor picks an offering to roll into"
    : "Paid to the investor's bank: the stored rollover default is not applied, since a rollover needs an offering the investor picks"
}

type Status = AdminOffering['status']

const statuses: Record<Status, { label: string; tone: 'ok' | 'warn' | 'bad' | 'neutral' }> = {
  draft: { label: 'Draft', tone: 'neutral' },
  open: { label: 'Open', tone: 'ok' },
  closed: { label: 'Closed', tone: 'warn' },
  active: { label: 'Issued', tone: 'ok' },
  matured: { label: 'Matured', tone: 'neutral' },
  cancelled: { label: 'Cancelled', tone: 'bad' },
}

/**
 * An offering's status as the console shows it. An open offering outside its window sells
 * nothing today, so it does not read as open: it has not opened yet, or its window has passed
 * (closing it, or letting its notes be issued, is the admin's next step).
 */
export function describeAdminOfferingStatus(offering: Pick<AdminOffering, 'status' | 'window'>): {
  label: string
  tone: 'ok' | 'warn' | 'bad' | 'neutral'
} {
  if (offering.status !== 'open' || offering.window === 'within') return statuses[offering.status]
  return offering.window === 'before'
    ? { label: 'Open, not selling yet', tone: 'neutral' }
    : { label: 'No longer selling: close it', tone: 'warn' }
}
