/** Plain words for a purchase's recorded state changes, as the admin console shows them. */

import { withDatesInWords } from './audit-words.ts'
import type { PaymentStage } from './purchase-words.ts'

// The API records a rolled-over note's first state with the note it came from.
const rolledOverFrom = /^rolled over from matured note \S+?;/

// Codes the API records when it sets an active note to be repaid early.
const reasonWords: Record<string, string> = {
  refund: 'Set to be repaid early: a refund was approved',
  offering_cancelled: 'Set to be repaid early: its offering was cancelled',
}

/**
 * Why a state changed, in words. A rolled-over note's first change says so, for the page to link
 * the matured note it came from (the purchase's `rolledFromPurchaseId`). Other reasons read as
 * recorded.
 */
export function describeStateChange(reason: string): { text: string; rolledOver: boolean } {
  if (rolledOverFrom.test(reason)) {
    return { text: 'Rolled over from a matured note; no ACH debit', rolledOver: true }
  }

  return { text: reasonWords[reason] ?? withDatesInWords(reason), rolledOver: false }
}

/** Where a matured note's payment stands, as the console names it, and how its badge looks. */
export const paymentStageWords = {
  sending: { label: 'Being sent', tone: 'warn' },
  on_its_way: { label: 'On its way', tone: 'warn' },
  paid: { label: 'Paid', tone: 'ok' },
  held: { label: 'Held for the investor', tone: 'bad' },
  in_review: { label: 'Withheld for review', tone: 'bad' },
} as const satisfies Record<PaymentStage, { label: string; tone: 'ok' | 'warn' | 'bad' }>
