/** Plain words for an offering's terms, shared by the list, the detail and the purchase pages. */

import { formatRate, formatTerm, formatUsd } from './format.ts'

export interface InterestTerms {
  rateType: 'simple' | 'compound'
  compounding: 'annual' | 'semiannual' | 'quarterly' | 'monthly' | 'daily' | null
}

const compoundingWords: Record<NonNullable<InterestTerms['compounding']>, string> = {
  annual: 'once a year',
  semiannual: 'twice a year',
  quarterly: 'every quarter',
  monthly: 'every month',
  daily: 'every day',
}

/** "Simple interest" or "Compounds every month". */
export function describeInterest(terms: InterestTerms): string {
  if (terms.rateType === 'simple' || !terms.compounding) return 'Simple interest'
  return `Compounds ${compoundingWords[terms.compounding]}`
}

/** Who a note's plan is told to: the investor ("your bank") or an administrator. */
export type PlanVoice = 'investor' | 'admin'

const voices = {
  investor: { bank: 'your bank', chose: 'you chose it at' },
  admin: { bank: "the investor's bank", chose: 'the investor chose it at' },
} as const

const paidTo = (bank: string) => `Principal and interest paid to ${bank}`

const maturityWords = {
  payout: paidTo(voices.investor.bank),
  rollover_all: 'Principal and interest rolled into the offering you chose',
  rollover_principal: 'Principal rolled into the offering you chose, interest paid to your bank',
} as const

export type MaturityInstruction = keyof typeof maturityWords

/**
 * What happens to a note at maturity. A rollover goes only into an offering the investor chose;
 * without one the note is paid out, and is described so.
 */
export function describeMaturityInstruction(
  instruction: MaturityInstruction,
  rolloverOfferingId: string | null = null,
): string {
  return maturityWords[rolloverOfferingId === null ? 'payout' : instruction]
}

/**
 * The offering a note rolls into: its rate today, its rate when the investor chose it, whether
 * it sells on the note's maturity date, and, where the note's payout is known, how its money
 * would split: the largest note the offering sells within it (null: not even its smallest) and
 * the rest, paid to the bank.
 */
export interface RolloverTarget {
  name: string
  rateBps: number
  chosenAtRateBps: number | null
  sellingAtMaturity: boolean
  rollsCents?: number | null
  paidOutCents?: number
}

/** The rollover target's rate has fallen below the one the investor chose it at. */
export function rolloverRateFell(target: RolloverTarget | null): boolean {
  return target?.chosenAtRateBps != null && target.rateBps < target.chosenAtRateBps
}

/**
 * What a note's instruction does, naming the offering a rollover goes into and its rate. A
 * rollover whose offering's rate has fallen since it was chosen is paid out, and reads so; one
 * the offering's note sizes do not fit says how much rolls and how much is paid (`principalCents`
 * tells a principal rollover that is cut short from the interest paid as asked).
 */
export function describeMaturityPlan(
  instruction: MaturityInstruction,
  target: RolloverTarget | null,
  principalCents?: number,
  voice: PlanVoice = 'investor',
): string {
  const { bank, chose } = voices[voice]
  const payout = paidTo(bank)
  // Without an offering to roll into, a note is paid out.
  if (instruction === 'payout' || !target) return payout
  if (!target.sellingAtMaturity) {
    return `${payout}: ${target.name} will not be selling when the note matures`
  }
  if (rolloverRateFell(target)) {
    return `${payout}: the rate of ${target.name} fell below the ${formatRate(target.chosenAtRateBps ?? 0)} ${chose}`
  }
  if (target.rollsCents === null) {
    return `${payout}: ${target.name} does not sell a note that small`
  }
  const into = `${target.name} at ${formatRate(target.rateBps)}`
  const { rollsCents: rolls, paidOutCents: rest } = target
  if (rolls !== undefined && rest !== undefined) {
    const cut =
      instruction === 'rollover_all'
        ? rest > 0
        : principalCents !== undefined && rolls < principalCents
    if (cut)
      return `${formatUsd(rolls)} rolled over into ${into}, the other ${formatUsd(rest)} paid to ${bank}`
  }
  if (instruction === 'rollover_all') return `Principal and interest rolled over into ${into}`

  return `Principal rolled over into ${into}, interest paid to ${bank}`
}

/**
 * A note's own rate in the offering page's words: "5.25% a year, simple interest, Actual/365
 * Fixed", the day count named as the API names it.
 */
export function describeNoteRate(terms: InterestTerms & { rateBps: number; dayCountName: string }) {
  return `${formatRate(terms.rateBps)} a year, ${describeInterest(terms).toLowerCase()}, ${terms.dayCountName}`
}

/** The choices on a note's page, in the investor's voice. */
export const maturityChoices: readonly { value: MaturityInstruction; label: string }[] = [
  { value: 'payout', label: 'Pay principal and interest to my bank' },
  { value: 'rollover_all', label: 'Roll principal and interest over into a new note' },
  {
    value: 'rollover_principal',
    label: 'Roll the principal over into a new note, and pay the interest to my bank',
  },
]

/**
 * An offering's name as a note: "Series A" reads "Series A note", while a name that already says
 * so ("Series R 12-Month Rolling Note") is left as it is.
 */
export function asNote(offeringName: string): string {
  return /\bnotes?$/i.test(offeringName.trim()) ? offeringName : `${offeringName} note`
}

/** An open offering as a rollover choice: its name, rate and term. */
export function describeRolloverTarget(offering: {
  name: string
  rateBps: number
  termMonths: number
}): string {
  return `${offering.name}: ${formatRate(offering.rateBps)} for ${formatTerm(offering.termMonths)}`
}

const statusWords = {
  open: 'Open for purchase',
  closed: 'Closed to new purchases',
  active: 'Issued; no longer for sale',
  matured: 'Matured',
  cancelled: 'Cancelled',
} as const

/** "Issued by Cove Capital." — one full stop, whether or not the name ends with one ("Inc."). */
export function describeIssuer(issuer: string): string {
  return issuer.endsWith('.') ? `Issued by ${issuer}` : `Issued by ${issuer}.`
}

export function describeOfferingStatus(
  status: keyof typeof statusWords,
  open: boolean,
  soldOut = false,
  salesEnded = false,
): string {
  if (status === 'open' && salesEnded) return statusWords.closed
  if (status === 'open' && !open) return 'Not open for purchase yet'
  if (status === 'open' && soldOut) return 'Sold out for now'
  return statusWords[status]
}

/** Said where a sold-out offering's buy button would be. */
export const soldOutWords =
  'Every note of this offering is taken. If a purchase is cancelled or its payment fails, its amount becomes available again.'
