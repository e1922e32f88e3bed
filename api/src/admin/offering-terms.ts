import {
  AmountOutOfRangeError,
  compareDates,
  defaultMaturityInstruction,
  MAX_ACH_ENTRY_CENTS,
  MAX_PURCHASE_CENTS,
  previewPayout,
  toCalendarDate,
} from '@tenor/db/domain'
import type { offerings } from '@tenor/db/schema'
import { formatUsd } from '../routes/offerings/offerings.amounts.ts'

type Terms = Pick<
  typeof offerings.$inferSelect,
  | 'rateBps'
  | 'rateType'
  | 'compounding'
  | 'dayCount'
  | 'termMonths'
  | 'capacityCents'
  | 'minPurchaseCents'
  | 'maxPurchaseCents'
  | 'incrementCents'
  | 'opensOn'
  | 'closesOn'
  | 'defaultMaturityInstruction'
>

export interface TermsIssue {
  path: string
  message: string
}

/**
 * What is inconsistent in an offering's terms; `today` is given when publishing, since an
 * offering must not close before it can be bought.
 */
export function checkOfferingTerms(terms: Terms, today?: string): TermsIssue[] {
  const issues: TermsIssue[] = []
  const compoundingIssue = checkCompounding(terms)
  if (compoundingIssue) issues.push(compoundingIssue)
  if (terms.minPurchaseCents > terms.maxPurchaseCents) {
    issues.push({ path: 'minPurchaseCents', message: 'The minimum is above the maximum.' })
  }
  if (terms.maxPurchaseCents > MAX_PURCHASE_CENTS) {
    issues.push({
      path: 'maxPurchaseCents',
      message: `A purchase can be at most ${formatUsd(MAX_PURCHASE_CENTS)}.`,
    })
  } else if (terms.maxPurchaseCents > terms.capacityCents) {
    issues.push({ path: 'maxPurchaseCents', message: 'The maximum is above the capacity.' })
  }
  if (terms.incrementCents > terms.maxPurchaseCents) {
    issues.push({ path: 'incrementCents', message: 'The increment is above the maximum.' })
  }
  const payoutIssue = compoundingIssue ? null : checkPayoutInReach(terms)
  if (payoutIssue) issues.push(payoutIssue)
  if (terms.defaultMaturityInstruction !== defaultMaturityInstruction) {
    issues.push({
      path: 'defaultMaturityInstruction',
      message:
        'Notes are paid out at maturity unless the investor picks an offering to roll into, so a rollover cannot be the default.',
    })
  }
  if (compareDates(toCalendarDate(terms.opensOn), toCalendarDate(terms.closesOn)) > 0) {
    issues.push({ path: 'closesOn', message: 'The offering closes before it opens.' })
  }
  if (today && compareDates(toCalendarDate(terms.closesOn), toCalendarDate(today)) < 0) {
    issues.push({ path: 'closesOn', message: 'The closing date has passed.' })
  }
  return issues
}

function checkCompounding(terms: Terms): TermsIssue | null {
  if (terms.rateType === 'simple' && terms.compounding !== null) {
    return { path: 'compounding', message: 'Simple interest has no compounding.' }
  }
  if (terms.rateType === 'compound' && terms.compounding === null) {
    return { path: 'compounding', message: 'Say how often the interest compounds.' }
  }
  return null
}

/**
 * The payout of the largest purchase (at most `MAX_PURCHASE_CENTS`) must be paid at maturity
 * in one ACH credit. Worked out for a note bought on the opening day: another start date
 * moves the payout by a few days' interest only.
 */
export function checkPayoutInReach(terms: Terms): TermsIssue | null {
  const principalCents = Math.min(terms.maxPurchaseCents, MAX_PURCHASE_CENTS)
  const tooLarge = (payout: string) => ({
    path: 'rateBps',
    message: `At this rate and term a ${formatUsd(principalCents)} note would pay ${payout} at maturity, more than one ACH payment can carry (${formatUsd(MAX_ACH_ENTRY_CENTS)}). Lower the rate, the term or the maximum purchase.`,
  })

  try {
    const { totalCents } = previewPayout({
      terms,
      principalCents,
      startDate: toCalendarDate(terms.opensOn),
    })
    return totalCents > MAX_ACH_ENTRY_CENTS ? tooLarge(formatUsd(totalCents)) : null
  } catch (error) {
    if (error instanceof AmountOutOfRangeError) return tooLarge('more than can be stated')
    throw error
  }
}
