import { calculateApy } from './apy.ts'
import { type CalendarDate, calculateMaturityDate } from './dates.ts'
import { calculateInterest } from './interest.ts'
import { AmountOutOfRangeError } from './limits.ts'
import { assertCents, type OfferingTerms } from './terms.ts'

/** What an investor is shown before confirming a purchase. */
export interface PayoutPreview {
  principalCents: number
  interestCents: number
  totalCents: number
  maturityDate: CalendarDate
  apyBps: number
  apyDisplay: string
}

/**
 * Previews the exact payout of a note bought on `startDate`: principal and interest at
 * maturity in cents, the maturity date, and the offering's APY for that start date. The same
 * functions settle the note at maturity, so the preview is what is paid. A note repaid before
 * the end of its term gives that day as `repaidOn`, and earns interest to it.
 */
export function previewPayout({
  terms,
  principalCents,
  startDate,
  repaidOn,
}: {
  terms: OfferingTerms
  principalCents: number
  startDate: CalendarDate
  repaidOn?: CalendarDate
}): PayoutPreview {
  assertCents(principalCents, 'A principal')

  const maturityDate = repaidOn ?? calculateMaturityDate(startDate, terms.termMonths)
  const interestCents = calculateInterest({ ...terms, principalCents, startDate, maturityDate })
  const totalCents = principalCents + interestCents
  if (!Number.isSafeInteger(totalCents)) {
    throw new AmountOutOfRangeError(`A payout is too large: ${totalCents}`)
  }
  const { apyBps, apyDisplay } = calculateApy({ terms, startDate })

  return { principalCents, interestCents, totalCents, maturityDate, apyBps, apyDisplay }
}
