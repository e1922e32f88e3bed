import { compareDates, toCalendarDate } from '@tenor/db/domain'
import type { offerings } from '@tenor/db/schema'

type Terms = Pick<
  typeof offerings.$inferSelect,
  | 'rateType'
  | 'compounding'
  | 'capacityCents'
  | 'minPurchaseCents'
  | 'maxPurchaseCents'
  | 'incrementCents'
  | 'opensOn'
  | 'closesOn'
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
  if (terms.rateType === 'simple' && terms.compounding !== null) {
    issues.push({ path: 'compounding', message: 'Simple interest has no compounding.' })
  }
  if (terms.rateType === 'compound' && terms.compounding === null) {
    issues.push({ path: 'compounding', message: 'Say how often the interest compounds.' })
  }
  if (terms.minPurchaseCents > terms.maxPurchaseCents) {
    issues.push({ path: 'minPurchaseCents', message: 'The minimum is above the maximum.' })
  }
  if (terms.maxPurchaseCents > terms.capacityCents) {
    issues.push({ path: 'maxPurchaseCents', message: 'The maximum is above the capacity.' })
  }
  if (terms.incrementCents > terms.maxPurchaseCents) {
    issues.push({ path: 'incrementCents', message: 'The increment is above the maximum.' })
  }
  if (compareDates(toCalendarDate(terms.opensOn), toCalendarDate(terms.closesOn)) > 0) {
    issues.push({ path: 'closesOn', message: 'The offering closes before it opens.' })
  }
  if (today && compareDates(toCalendarDate(terms.closesOn), toCalendarDate(today)) < 0) {
    issues.push({ path: 'closesOn', message: 'The closing date has passed.' })
  }
  return issues
}
