import type { PurchaseState } from '@tenor/db/domain'
import type { EarlyRepaymentReason } from '@tenor/db/schema'

/*
 * The reasons a note's history keeps for the maturity steps whose state alone does not say what
 * happened, written and read back here only, so the investor's words follow what was written.
 */

/** How a repayment step's reason begins: why Tenor repays the note early. */
export const repaymentWords: Record<EarlyRepaymentReason, string> = {
  refund: 'refund approved',
  offering_cancelled: 'offering cancelled',
}

/** How the reason begins of a note closed with the one it was rolled over from. */
export const rolledFromReturnedReason = 'the note it was rolled over from was returned'

/** Why a note whose money went back to the investor's bank is not rolled over. */
export const debitReturnedWhy = 'the payment for this note came back'

const fallbackStart = 'matured; rollover not possible ('
const fallbackEnd = '), paid out by ACH credit instead'

/** The reason of a maturity whose rollover could not go ahead; `why` is in plain words. */
export function rolloverFallbackReason(why: string): string {
  return `${fallbackStart}${why}${fallbackEnd}`
}

/** Why a maturity's rollover could not go ahead, from its reason; null for any other reason. */
export function readRolloverFallback(reason: string): string | null {
  return reason.startsWith(fallbackStart) && reason.endsWith(fallbackEnd)
    ? reason.slice(fallbackStart.length, -fallbackEnd.length)
    : null
}

/**
 * A history step in the investor's words, for the steps a state name would misdescribe: a note
 * set to be repaid early (it stays active), a maturity whose rollover became a payout, a matured
 * note returned (its debit came back after it matured), and a note closed with the one it was
 * rolled over from. Null for every other step.
 */
export function describeHistoryStep(step: {
  fromState: PurchaseState | null
  toState: PurchaseState
  reason: string
}): string | null {
  if (step.fromState === 'active' && step.toState === 'active') {
    if (step.reason.startsWith(repaymentWords.refund)) {
      return 'A refund was approved: the note is repaid early'
    }
    if (step.reason.startsWith(repaymentWords.offering_cancelled)) {
      return 'Its offering was cancelled: the note is repaid early'
    }
    return null
  }
  if (step.toState === 'returned' && step.reason.startsWith(rolledFromReturnedReason)) {
    return 'Your bank took back the payment for the note this one was rolled over from, so nothing is paid on it'
  }
  if (step.toState === 'returned' && (step.fromState === 'matured' || step.fromState === 'paid')) {
    return 'Your bank took back the payment for this note after it matured, so nothing is paid on it'
  }
  const why = step.toState === 'matured' ? readRolloverFallback(step.reason) : null
  // Its payment is withheld, not paid: the note's page says it waits for review.
  if (why === debitReturnedWhy) return 'Not rolled over: the payment for this note came back'

  return why ? `Could not roll over (${why}), so it is paid to your bank instead` : null
}
