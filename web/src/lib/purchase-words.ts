/** Plain words for a purchase's state, for the status page and the portfolio. */

import { formatDate } from './format.ts'

export type PurchaseState =
  | 'initiated'
  | 'pending'
  | 'processing'
  | 'active'
  | 'matured'
  | 'paid'
  | 'failed'
  | 'cancelled'
  | 'returned'

const labels: Record<PurchaseState, string> = {
  initiated: 'Confirming with your bank',
  pending: 'Pending',
  // The investor's own money leaving: "on its way" is kept for money coming to them.
  processing: 'Debit sent to your bank',
  active: 'Active, earning interest',
  matured: 'Matured',
  paid: 'Paid out',
  failed: 'Did not go through',
  cancelled: 'Cancelled',
  returned: 'Returned by your bank',
}

export function describePurchaseState(state: PurchaseState): string {
  return labels[state]
}

/** A note's state in a word, for one Tenor repays early too: its maturity is the repayment. */
export function describeNoteState(state: PurchaseState, repaidEarly: boolean): string {
  return repaidEarly && (state === 'matured' || state === 'paid')
    ? 'Repaid early'
    : describePurchaseState(state)
}

/** What became of a maturity payment after it was first sent, as `paymentHistory` says. */
export type PaymentStepEvent = 'returned' | 'failed' | 'paid_again'

const paymentStepLabels: Record<PaymentStepEvent, string> = {
  returned: 'Payment sent back by your bank',
  failed: 'Payment did not go through',
  paid_again: 'Paid to your bank',
}

/**
 * A note's history as the investor reads it: its states, each with a word on what the state
 * alone would not say, and what became of its payment, in the order they happened.
 */
export function noteTimeline(
  history: readonly {
    from?: PurchaseState | null
    to: PurchaseState
    note: string | null
    at: string
  }[],
  payments: readonly { event: PaymentStepEvent; at: string }[],
  /** Tenor repaid the note before the end of its term: its maturity is the repayment. */
  repaidEarly = false,
): { label: string; note: string | null; at: string }[] {
  const states = history.map((step) => ({
    // An active note set to be repaid early stays active: the step is the decision, not a state.
    label:
      step.from === 'active' && step.to === 'active'
        ? 'Set to be repaid early'
        : step.to === 'matured' && repaidEarly
          ? 'Repayment date reached'
          : labels[step.to],
    note: step.note,
    at: step.at,
  }))
  const moves = payments.map((step) => ({
    label: paymentStepLabels[step.event],
    note: null,
    at: step.at,
  }))
  // A stable sort keeps each list's own order between steps of the same instant.
  return [...states, ...moves].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
}

/** Where a matured note's payment is, as the purchase's `payment.stage` says. */
export type PaymentStage = 'sending' | 'on_its_way' | 'paid' | 'held' | 'in_review'

/**
 * What is happening now and what comes next, in a sentence or two. A matured note's sentence
 * follows its payment, so it never says "on its way" about money that is held.
 */
export function explainPurchaseState(
  state: PurchaseState,
  payment?: PaymentStage | null,
  /** Tenor repaid it before the end of its term: it did not reach its maturity date. */
  repaidEarly = false,
): string {
  // Repaid early, the repayment's own words beside this say when and why.
  const ended = repaidEarly ? '' : 'Your note has reached its maturity date. '
  if (state === 'matured' && payment === 'held') {
    return `${ended}Its payment could not reach your bank, so we hold it for you until it can be sent (below).`
  }
  if (state === 'matured' && payment === 'in_review') {
    return `${ended}Its payment is under review before it is sent (below).`
  }
  switch (state) {
    case 'initiated':
      return 'Your note is reserved. We are confirming the debit with your bank; this usually takes a few seconds.'
    case 'pending':
      return 'Your bank debit is scheduled. The money usually leaves your account within one to three business days. You can still cancel until it is sent.'
    case 'processing':
      return 'The debit has been sent to your bank. Once it settles, your note starts earning interest.'
    case 'active':
      return 'Your payment has settled and your note is earning interest until its maturity date.'
    case 'matured':
      return 'Your note has reached its maturity date. The payout is on its way to your bank.'
    case 'paid':
      return 'Principal and interest have been paid to your bank.'
    case 'failed':
      return 'The purchase did not go through and no money moved.'
    case 'cancelled':
      // The purchase's failure reason, shown beside this, says who cancelled it and when.
      return 'No money moved: nothing was taken from your account.'
    case 'returned':
      return 'Your bank returned the payment, so the purchase was undone.'
  }
}

/** States the status page keeps checking, because they change without the investor acting. */
export function isInMotion(state: PurchaseState): boolean {
  return state === 'initiated' || state === 'pending' || state === 'processing'
}

export function isUndone(state: PurchaseState): boolean {
  return state === 'failed' || state === 'cancelled' || state === 'returned'
}

/** The milestones of a purchase that goes well, for the progress list on the status page. */
export const milestones = [
  { label: 'Bought', reachedIn: ['pending', 'processing', 'active', 'matured', 'paid'] },
  { label: 'Debit sent', reachedIn: ['processing', 'active', 'matured', 'paid'] },
  { label: 'Earning interest', reachedIn: ['active', 'matured', 'paid'] },
  { label: 'Matured', reachedIn: ['matured', 'paid'] },
  { label: 'Paid out', reachedIn: ['paid'] },
] as const satisfies readonly { label: string; reachedIn: readonly PurchaseState[] }[]

/**
 * A milestone's label for one note: one Tenor repays early ends its term on the repayment day,
 * and one bought by rolling another over was paid by that rollover, not by a debit.
 */
export function milestoneLabel(
  label: (typeof milestones)[number]['label'],
  note: { repaidEarly: boolean; rolledOver: boolean },
): string {
  if (note.repaidEarly && label === 'Matured') return 'Repaid early'
  if (note.rolledOver && label === 'Debit sent') return 'Paid by rollover'
  return label
}

/**
 * Where a purchase stands on its milestones: each one done, the one it is at now (the last
 * reached, unless it is the end), or still ahead.
 */
export function milestoneProgress(state: PurchaseState): ('done' | 'now' | 'ahead')[] {
  const reached = milestones.map((m) => (m.reachedIn as readonly PurchaseState[]).includes(state))
  const last = reached.lastIndexOf(true)
  return reached.map((isReached, index) =>
    !isReached ? 'ahead' : index === last && index < milestones.length - 1 ? 'now' : 'done',
  )
}

/** Why Tenor repays a note before the end of its term, as the purchase's `earlyRepayment` says. */
export interface EarlyRepayment {
  reason: 'refund' | 'offering_cancelled'
  repaymentDate: string
}

/**
 * Why and when Tenor repays a note early, for the note's page: the maturity date and the
 * interest it shows are then the repayment day's.
 */
export function explainEarlyRepayment(
  repayment: EarlyRepayment,
  state: PurchaseState,
  offeringName: string,
  payment?: PaymentStage | null,
): string {
  const cause = repayment.reason === 'refund' ? 'it is refunded' : `${offeringName} was cancelled`
  const day = formatDate(repayment.repaymentDate)
  if (state === 'paid' || state === 'matured') {
    const repaid = `Tenor repaid this note early: ${cause}, with the interest earned to ${day}.`
    // Money held or withheld is explained beside it; "on its way" would not be true.
    if (payment === 'held' || payment === 'in_review') return repaid
    const where =
      state === 'paid' ? 'was paid to your bank account' : 'is on its way to your bank account'
    return `Tenor repaid this note early: ${cause}. Your principal with the interest earned to ${day} ${where}.`
  }

  return `Tenor is repaying this note early: ${cause}. On ${day} it pays your principal with the interest earned to that day to your bank account, instead of at the end of its term. It cannot roll over into a new note.`
}
