/** Plain words for an offering's terms, shared by the list, the detail and the purchase pages. */

interface InterestTerms {
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

const maturityWords = {
  payout: 'Principal and interest paid to your bank',
  rollover_all: 'Principal and interest rolled into the offering you chose',
  rollover_principal: 'Principal rolled into the offering you chose, interest paid to your bank',
} as const

/**
 * What happens to a note at maturity. A rollover goes only into an offering the investor chose;
 * without one the note is paid out, and is described so.
 */
export function describeMaturityInstruction(
  instruction: keyof typeof maturityWords,
  rolloverOfferingId: string | null = null,
): string {
  return maturityWords[rolloverOfferingId === null ? 'payout' : instruction]
}

const statusWords = {
  open: 'Open for purchase',
  closed: 'Closed to new purchases',
  active: 'Issued; no longer for sale',
  matured: 'Matured',
  cancelled: 'Cancelled',
} as const

export function describeOfferingStatus(status: keyof typeof statusWords, open: boolean): string {
  if (status === 'open' && !open) return 'Not open for purchase today'
  return statusWords[status]
}
