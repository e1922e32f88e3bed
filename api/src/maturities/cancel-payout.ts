import type { Tx } from '@tenor/db'
import {
  businessDateOf,
  type LedgerReader,
  postTransaction,
  reverseMaturedPurchasePosting,
} from '@tenor/db/domain'
import { payouts, purchases, transferEvents } from '@tenor/db/schema'
import { and, desc, eq, isNull } from 'drizzle-orm'
import { readPaymentReview } from '../purchases/funding-in-doubt.ts'
import { noticePurchaseStopped } from '../purchases/notices.ts'
import type { OutcomeContext } from '../purchases/outcomes.ts'
import { describeReturn } from '../purchases/reasons.ts'
import {
  findOffering,
  findPurchase,
  ledgerRefOf,
  movePurchase,
  releaseCapacity,
} from '../purchases/records.ts'
import { failureCodeOf, transferEventFields } from '../purchases/transfer-events.ts'
import { withdrawPayoutReturnedNotice } from './notices.ts'

/*
 * A matured note whose own debit came back after it matured: the bank took the principal back,
 * so the note was never paid for, and its payout, withheld since (`findFundingInDoubt`), must
 * never go. Two administrators close it: the payout is cancelled, the note is returned, as a
 * return before maturity would have left it, and the ledger takes the payout back from where
 * it waits (ACH payable, or the investor's held balance), the principal out of our bank and the
 * interest back to the issuer.
 */

/** What the payout of a cancelled note says, for the console and the ledger check. */
export const cancelledForReturn = {
  code: 'DEBIT_RETURNED',
  reason: 'The debit that paid for the note came back after it matured; the payout is cancelled.',
} as const

export type PayoutCancelRefusal = {
  code: 'not_in_review' | 'funding_not_returned' | 'rolled_over'
  message: string
}

/**
 * Whether two administrators may cancel the note's payout: it is withheld for review because
 * the note's own debit came back, and no rollover links the note to another (bought by rolling
 * one over, or rolled partly into a new one), whose money cancelling this payout alone would not
 * settle. Answers the refusal, or the payout to cancel.
 */
export async function judgePayoutCancel(
  db: LedgerReader,
  purchaseId: string,
): Promise<{ refused: PayoutCancelRefusal } | { refused: null; payoutCents: number }> {
  const refuse = (refused: PayoutCancelRefusal) => ({ refused })
  const inReview = await readPaymentReview(db, purchaseId)
  if (!inReview) {
    return refuse({
      code: 'not_in_review',
      message:
        'This note has no payout withheld for review: only one whose debit came back after it matured can be cancelled.',
    })
  }
  if (inReview.review !== 'debit_returned') {
    return refuse({
      code: 'funding_not_returned',
      message:
        "The debit that paid for this note did not come back: its payout waits because another debit from the investor's account did. Release it after a review instead.",
    })
  }
  const purchase = await db.query.purchases.findFirst({ where: eq(purchases.id, purchaseId) })
  const rolledInto = await db.query.purchases.findFirst({
    columns: { id: true },
    where: eq(purchases.rolledFromPurchaseId, purchaseId),
  })
  if (purchase?.rolledFromPurchaseId || rolledInto) {
    return refuse({
      code: 'rolled_over',
      message:
        'This note is linked to another by a rollover, so cancelling its payout alone would not undo the money that came back. It stays withheld.',
    })
  }
  return { refused: null, payoutCents: inReview.payout.amountCents }
}

/**
 * Cancels the withheld payout of a note whose debit came back after it matured, in the caller's
 * transaction: the payout is cancelled, the note returned with the return's code, its capacity
 * given back, the ledger reversed, and the investor told. Answers null, having changed nothing,
 * unless the payout is still unsent (never asked of Plaid) or held; a note whose debit never
 * came back throws, undoing the transaction. The caller asks `judgePayoutCancel` first.
 */
export async function cancelReturnedPayout(
  tx: Tx,
  ctx: OutcomeContext,
  purchaseId: string,
): Promise<{
  payoutCents: number
  code: string | null
  was: { purchaseState: string; payoutState: string }
} | null> {
  const purchase = await findPurchase(tx, purchaseId)
  const payout = await tx.query.payouts.findFirst({
    where: and(eq(payouts.purchaseId, purchaseId), eq(payouts.kind, 'maturity')),
  })
  if (!purchase || !payout || !purchase.transferId) return null
  if (purchase.state !== 'matured' && purchase.state !== 'paid') return null
  const held = payout.state === 'returned' || payout.state === 'failed'
  if (!held && payout.state !== 'initiated') return null

  const cancelled = await tx
    .update(payouts)
    .set({
      state: 'cancelled',
      failureCode: cancelledForReturn.code,
      failureReason: cancelledForReturn.reason,
      updatedAt: ctx.now,
    })
    .where(
      and(
        eq(payouts.id, payout.id),
        eq(payouts.state, payout.state),
        eq(payouts.resends, payout.resends),
        // Never one Plaid has been asked to send: that credit may be made.
        ...(held ? [] : [isNull(payouts.authorizationId)]),
      ),
    )
  if (cancelled.rowsAffected !== 1) return null

  const [returnEvent] = await tx
    .select({ eventId: transferEvents.eventId, payload: transferEvents.payload })
    .from(transferEvents)
    .where(
      and(
        eq(transferEvents.transferId, purchase.transferId),
        eq(transferEvents.eventType, 'returned'),
      ),
    )
    .orderBy(desc(transferEvents.eventId))
    .limit(1)
  if (!returnEvent) throw new Error(`Purchase ${purchase.id} has no returned debit to close on`)
  const code = failureCodeOf(transferEventFields.parse(JSON.parse(returnEvent.payload)))
  const reason = describeReturn(code)

  const moved = await movePurchase(tx, purchase, 'returned', {
    reason: `debit returned after maturity${code ? ` (${code})` : ''}; payout cancelled after review`,
    now: ctx.now,
    transferEventId: returnEvent.eventId,
    changes: { failureCode: code, failureReason: reason },
  })
  // Read in this transaction, the note cannot have moved; if it did, undo it all.
  if (!moved) throw new Error(`Purchase ${purchase.id} moved while its payout was cancelled`)
  await releaseCapacity(tx, purchase, ctx.now)

  const interestCents = payout.amountCents - purchase.amountCents
  await postTransaction(
    tx,
    reverseMaturedPurchasePosting({
      ...ledgerRefOf(purchase, businessDateOf(ctx.now, ctx.timeZone)),
      principalCents: purchase.amountCents,
      interestCents,
      payoutHeld: held,
      memo: `Debit returned after maturity${code ? ` (${code})` : ''}; payout cancelled`,
    }),
  )

  const offering = await findOffering(tx, purchase.offeringId)
  // "Link an account to receive it" no longer holds: nothing is paid.
  if (held) await withdrawPayoutReturnedNotice(tx, payout)
  await noticePurchaseStopped(tx, ctx, purchase, offering, 'returned', reason)

  return {
    payoutCents: payout.amountCents,
    code,
    was: { purchaseState: purchase.state, payoutState: payout.state },
  }
}
