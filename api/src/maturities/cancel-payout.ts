import type { Tx } from '@tenor/db'
import {
  accountBalance,
  accounts,
  businessDateOf,
  type CalendarDate,
  type LedgerReader,
  postTransaction,
  reverseMaturedPurchasePosting,
  reversePurchasePosting,
} from '@tenor/db/domain'
import { payouts, purchases, transferEvents } from '@tenor/db/schema'
import { and, desc, eq, isNull } from 'drizzle-orm'
import { canBeWithheld, readPaymentReview } from '../purchases/funding-in-doubt.ts'
import { noticePurchaseStopped } from '../purchases/notices.ts'
import type { OutcomeContext } from '../purchases/outcomes.ts'
import { describeReturn } from '../purchases/reasons.ts'
import {
  findOffering,
  findPurchase,
  ledgerRefOf,
  movePurchase,
  type PurchaseRow,
  releaseCapacity,
} from '../purchases/records.ts'
import { failureCodeOf, transferEventFields } from '../purchases/transfer-events.ts'
import { rolledFromReturnedReason } from './history.ts'
import { withdrawNoticesOfClosedNote, withdrawPayoutReturnedNotice } from './notices.ts'
import type { PayoutRow } from './records.ts'

/*
 * A matured note whose own debit came back after it matured: the bank took the principal back,
 * so the note was never paid for, and its payout, withheld since (`findFundingInDoubt`), must
 * never go. Two administrators close it: the payout is cancelled, the note is returned, as a
 * return before maturity would have left it, and the ledger takes the payout back from where
 * it waits (ACH payable, or the investor's held balance), the principal out of our bank and the
 * interest back to the issuer.
 *
 * A note rolled over into a new one paid for that one with the same money, so the whole chain
 * of rollovers from it is closed together: every note in it is returned, every payout of theirs
 * cancelled, each note's interest goes back to its issuer and each rolled principal back to the
 * note it came from, all in one database transaction. It is refused while any of that money has
 * gone out (a payout sent): that is for a person to settle with the investor.
 */

/** What the payout of a cancelled note says, for the console and the ledger check. */
export const cancelledForReturn = {
  code: 'DEBIT_RETURNED',
  reason: 'The debit that paid for the note came back after it matured; the payout is cancelled.',
} as const

export type PayoutCancelRefusal = {
  code: 'not_in_review' | 'funding_not_returned' | 'payout_sent'
  message: string
}

/** A note of a rollover chain, with its payouts. */
interface ChainLink {
  purchase: PurchaseRow
  payouts: PayoutRow[]
}

/** The debit return that undid a chain's first note after it matured, found in its events. */
interface LateReturn {
  eventId: number
  code: string | null
}

/**
 * Whether two administrators may close the chain of rollovers `purchaseId` belongs to (a note
 * alone is a chain of one): the debit that paid for its first note came back after that note
 * matured, and none of the chain's money has gone out since. Answers the refusal, or what is
 * withheld across the chain.
 */
export async function judgePayoutCancel(
  db: LedgerReader,
  purchaseId: string,
): Promise<{ refused: PayoutCancelRefusal } | { refused: null; payoutCents: number }> {
  const chain = await readRolloverChain(db, purchaseId)
  const lateReturn = chain[0] ? await findLateReturn(db, chain[0].purchase) : null
  if (!lateReturn) {
    return (await readPaymentReview(db, purchaseId))
      ? {
          refused: {
            code: 'funding_not_returned',
            message:
              "The debit that paid for this note did not come back: its payout waits because another debit from the investor's account did. Release it after a review instead.",
          },
        }
      : {
          refused: {
            code: 'not_in_review',
            message:
              'This note has no payout withheld for review: only one whose debit came back after it matured can be cancelled, with the notes rolled over from it.',
          },
        }
  }
  const refused = judgeChain(chain)
  if (refused) return { refused }
  return { refused: null, payoutCents: withheldCents(chain) }
}

/**
 * Why a chain whose first note's debit came back cannot be closed: a payout of it that may have
 * been sent (asked of Plaid, on its way or settled, or a refund), or a note no longer held.
 * Null when every note is held (active, matured or paid) and every payout unsent or held money.
 */
function judgeChain(chain: readonly ChainLink[]): PayoutCancelRefusal | null {
  for (const { purchase, payouts: owed } of chain) {
    const held = ['active', 'matured', 'paid'].includes(purchase.state)
    const sent = owed.some((payout) => payout.kind !== 'maturity' || !canBeWithheld(payout))
    if (held && !sent) continue
    return {
      code: 'payout_sent',
      message: `Money of note ${purchase.id} has gone out to the investor since, so closing the notes here would not undo it: settle it with the investor. The payouts stay withheld.`,
    }
  }
  return null
}

/**
 * The notes a rollover links to `purchaseId`'s, first the one a debit paid for, then each rolled
 * over from the one before, with their payouts; empty for a purchase that does not exist. A
 * note rolls into at most one new note.
 */
async function readRolloverChain(db: LedgerReader, purchaseId: string): Promise<ChainLink[]> {
  let first = await findPurchase(db, purchaseId)
  for (let up = 0; first?.rolledFromPurchaseId && up < maxChain; up++) {
    first = await findPurchase(db, first.rolledFromPurchaseId)
  }
  const chain: ChainLink[] = []
  for (let link = first ?? undefined; link && chain.length < maxChain; ) {
    chain.push({
      purchase: link,
      payouts: await db.query.payouts.findMany({ where: eq(payouts.purchaseId, link.id) }),
    })
    link = await db.query.purchases.findFirst({
      where: eq(purchases.rolledFromPurchaseId, link.id),
    })
  }
  return chain
}

/** What the chain's payouts, all withheld, add up to. */
const withheldCents = (chain: readonly ChainLink[]): number =>
  chain.flatMap((link) => link.payouts).reduce((sum, payout) => sum + payout.amountCents, 0)

// Far more rollovers than a note's life allows: a guard against a cycle no write can make.
const maxChain = 200

/** The latest return of a note's debit, if it came back after the note matured. */
async function findLateReturn(db: LedgerReader, purchase: PurchaseRow): Promise<LateReturn | null> {
  if (!purchase.transferId) return null
  if (purchase.state !== 'matured' && purchase.state !== 'paid') return null
  const [returned] = await db
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
  if (!returned) return null
  const code = failureCodeOf(transferEventFields.parse(JSON.parse(returned.payload)))
  return { eventId: returned.eventId, code }
}

/** What closing a chain did, for the audit and the administrator. */
export interface ChainCancelled {
  /** The withheld payouts cancelled, across the chain. */
  payoutCents: number
  code: string | null
  notes: { purchaseId: string; was: string; payoutState: string | null }[]
}

/**
 * Closes, in the caller's transaction, the chain of rollovers `purchaseId` belongs to, judged
 * again here (`judgePayoutCancel`): from the last note back to the first, each payout is
 * cancelled, each note returned with the return's code, its capacity given back and its
 * reversal posted, and the investor is told once, about every note. Answers null, having
 * changed nothing, when the chain may not be closed; a payout that moved meanwhile throws,
 * undoing the transaction.
 */
export async function cancelReturnedPayout(
  tx: Tx,
  ctx: OutcomeContext,
  purchaseId: string,
): Promise<ChainCancelled | null> {
  const chain = await readRolloverChain(tx, purchaseId)
  const first = chain[0]?.purchase
  const lateReturn = first ? await findLateReturn(tx, first) : null
  if (!first || !lateReturn || judgeChain(chain)) return null

  const today = businessDateOf(ctx.now, ctx.timeZone)
  // From the last note back: each gives its principal back to the note before it, whose own
  // reversal then takes it along with the rest.
  for (let i = chain.length - 1; i >= 0; i--) {
    const rolledOnCents = chain[i + 1]?.purchase.amountCents ?? 0
    await closeNote(tx, ctx, { link: chain[i] as ChainLink, rolledOnCents, lateReturn, today })
  }

  const offering = await findOffering(tx, first.offeringId)
  const rolled = []
  for (const { purchase } of chain.slice(1)) {
    rolled.push({ purchase, offering: await findOffering(tx, purchase.offeringId) })
  }
  const code = lateReturn.code
  await noticePurchaseStopped(tx, ctx, first, offering, 'returned', describeReturn(code), rolled)

  return {
    payoutCents: withheldCents(chain),
    code,
    notes: chain.map(({ purchase, payouts: owed }) => ({
      purchaseId: purchase.id,
      was: purchase.state,
      payoutState: owed[0]?.state ?? null,
    })),
  }
}

/**
 * Closes one note of the chain: its payout cancelled, the note returned with the return's code,
 * its capacity given back, and its reversal posted, taking its principal back to where it came
 * from (the bank for the first note, the note before it otherwise) and `rolledOnCents` back from
 * its principal account, where the next note's reversal put it.
 */
async function closeNote(
  tx: Tx,
  ctx: OutcomeContext,
  input: { link: ChainLink; rolledOnCents: number; lateReturn: LateReturn; today: CalendarDate },
): Promise<void> {
  const { purchase, payouts: owed } = input.link
  const { code } = input.lateReturn
  const payout = owed[0]
  if (payout) await cancelPayoutRow(tx, ctx, payout)

  const rolledFrom = purchase.rolledFromPurchaseId
  const moved = await movePurchase(tx, purchase, 'returned', {
    reason: rolledFrom
      ? `${rolledFromReturnedReason} (its debit came back after it matured${code ? `, ${code}` : ''}); payout cancelled after review`
      : `debit returned after maturity${code ? ` (${code})` : ''}; payout cancelled after review`,
    now: ctx.now,
    transferEventId: rolledFrom ? null : input.lateReturn.eventId,
    changes: {
      failureCode: code,
      failureReason: rolledFrom
        ? 'Your bank took back the payment for the note this one was rolled over from, after that note matured.'
        : describeReturn(code),
    },
  })
  // Read in this transaction, the note cannot have moved; if it did, undo it all.
  if (!moved) throw new Error(`Purchase ${purchase.id} moved while its payout was cancelled`)
  await releaseCapacity(tx, purchase, ctx.now)
  await withdrawNoticesOfClosedNote(tx, purchase.id)

  const ref = ledgerRefOf(purchase, input.today)
  const fundedBy = rolledFrom ? { rolledFromPurchaseId: rolledFrom } : { settled: true }
  const memo = `Debit returned after maturity${code ? ` (${code})` : ''}; ${rolledFrom ? 'rolled note closed' : 'payout cancelled'}`
  if (purchase.state === 'active') {
    const accrued = await accountBalance(tx, accounts.noteInterestPayable(purchase.id))
    await postTransaction(
      tx,
      reversePurchasePosting({
        ...ref,
        ...fundedBy,
        amountCents: purchase.amountCents,
        accruedInterestCents: accrued,
        memo,
      }),
    )
    return
  }
  const { rolledOnCents } = input
  await postTransaction(
    tx,
    reverseMaturedPurchasePosting({
      ...ref,
      ...fundedBy,
      principalCents: purchase.amountCents,
      interestCents: (payout?.amountCents ?? 0) + rolledOnCents - purchase.amountCents,
      payoutHeld: payout !== undefined && payout.state !== 'initiated',
      rolledOnCents,
      memo,
    }),
  )
}

/**
 * Cancels one payout of the chain, only from the state it was read in and never one Plaid has
 * been asked to send (that credit may be made); held money's "link an account" email goes.
 */
async function cancelPayoutRow(tx: Tx, ctx: OutcomeContext, payout: PayoutRow): Promise<void> {
  const held = payout.state !== 'initiated'
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
        ...(held ? [] : [isNull(payouts.authorizationId)]),
      ),
    )
  if (cancelled.rowsAffected !== 1) {
    throw new Error(`Payout ${payout.id} moved while it was cancelled`)
  }
  // "Link an account to receive it" no longer holds: nothing is paid.
  if (held) await withdrawPayoutReturnedNotice(tx, payout)
}
