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
  rollover_all: 'Principal and interest reinvested in the next note',
  rollover_principal: 'Principal reinvested, interest paid to your bank',
} as const

export function describeMaturityInstruction(instruction: keyof typeof maturityWords): string {
  return maturityWords[instruction]
}

const statusWords = {
  open: 'Open for purchase',
  closed: 'Closed to new purchases',
  active: 'Issued; no longer for sale',
  matured: 'Matured',
  cancelled: 'Cancelled',
} as const

export function describeOfferingStatus(
  status: keyof typeof statusWords,
  open: boolean,
  soldOut = false,
): string {
  if (status === 'open' && !open) return 'Not open for purchase today'
  if (status === 'open' && soldOut) return 'Sold out for now'
  return statusWords[status]
}

/** Said where a sold-out offering's buy button would be. */
export const soldOutWords =
  'Every note of this offering is taken. If a purchase is cancelled or its payment fails, its amount becomes available again.'
