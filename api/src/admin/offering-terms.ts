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

/** One way the terms can disagree with each other, judged from the fields it names. */
interface TermsRule {
  fields: (keyof Terms)[]
  check(terms: Terms): TermsIssue | null
}

const rules: TermsRule[] = [
  { fields: ['rateType', 'compounding'], check: checkCompounding },
  {
    fields: ['minPurchaseCents', 'maxPurchaseCents'],
    check: (terms) =>
      terms.minPurchaseCents > terms.maxPurchaseCents
        ? {
            path: 'minPurchaseCents',
            message: 'The minimum purchase is above the maximum purchase.',
          }
        : null,
  },
  {
    fields: ['maxPurchaseCents'],
    check: (terms) =>
      terms.maxPurchaseCents > MAX_PURCHASE_CENTS
        ? {
            path: 'maxPurchaseCents',
            message: `A purchase can be at most ${formatUsd(MAX_PURCHASE_CENTS)}.`,
          }
        : null,
  },
  {
    fields: ['maxPurchaseCents', 'capacityCents'],
    // Named once: a maximum above what any purchase may be says so, whatever the capacity.
    check: (terms) =>
      terms.maxPurchaseCents <= MAX_PURCHASE_CENTS && terms.maxPurchaseCents > terms.capacityCents
        ? { path: 'maxPurchaseCents', message: 'The maximum purchase is above the offering size.' }
        : null,
  },
  {
    fields: ['incrementCents', 'maxPurchaseCents'],
    check: (terms) =>
      terms.incrementCents > terms.maxPurchaseCents
        ? { path: 'incrementCents', message: 'The steps are larger than the maximum purchase.' }
        : null,
  },
  {
    fields: ['minPurchaseCents', 'maxPurchaseCents', 'incrementCents'],
    // Amounts go up from the minimum in whole steps: a maximum between two could never be
    // bought, and would be named as the largest note where it is not.
    check: ({ minPurchaseCents: min, maxPurchaseCents: max, incrementCents: step }) => {
      if (max < min || step <= 0 || (max - min) % step === 0) return null
      const below = max - ((max - min) % step)
      return {
        path: 'maxPurchaseCents',
        message: `Make the maximum the minimum plus whole steps of ${formatUsd(step)}, such as ${formatUsd(below)} or ${formatUsd(below + step)}.`,
      }
    },
  },
  {
    fields: [
      'rateBps',
      'rateType',
      'compounding',
      'dayCount',
      'termMonths',
      'maxPurchaseCents',
      'opensOn',
    ],
    // Not worked out for compounding that does not fit the rate type: that is named instead.
    check: (terms) => (checkCompounding(terms) ? null : checkPayoutInReach(terms)),
  },
  {
    fields: ['defaultMaturityInstruction'],
    check: (terms) =>
      terms.defaultMaturityInstruction !== defaultMaturityInstruction
        ? {
            path: 'defaultMaturityInstruction',
            message:
              'Notes are paid out at maturity unless the investor picks an offering to roll into, so a rollover cannot be the default.',
          }
        : null,
  },
  {
    fields: ['opensOn', 'closesOn'],
    check: (terms) =>
      compareDates(toCalendarDate(terms.opensOn), toCalendarDate(terms.closesOn)) > 0
        ? { path: 'closesOn', message: 'The offering closes before it opens.' }
        : null,
  },
]

/**
 * What is inconsistent in an offering's terms; `today` is given when publishing, since an
 * offering must not close before it can be bought. Given only some of the terms (the fields of
 * a form that were well formed while others were not), it judges what those alone can tell, so
 * one answer names every problem.
 */
export function checkOfferingTerms(terms: Partial<Terms>, today?: string): TermsIssue[] {
  const issues: TermsIssue[] = []
  for (const rule of rules) {
    if (!rule.fields.every((field) => terms[field] !== undefined)) continue
    const issue = rule.check(terms as Terms)
    // One problem per field, the first found, as every other refusal names them.
    if (issue && !issues.some((known) => known.path === issue.path)) issues.push(issue)
  }
  const passed = today && terms.closesOn !== undefined && terms.closesOn < today
  if (passed && !issues.some((known) => known.path === 'closesOn')) {
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
