import type { Tx } from '@tenor/db'
import {
  bankAccountStatusForReturn,
  businessDateOf,
  postTransaction,
  settlePayoutPosting,
} from '@tenor/db/domain'
import type { Logger } from '@tenor/db/logger'
import { purchaseEvents, purchases, transferEvents } from '@tenor/db/schema'
import { and, count, eq, gte, inArray, ne } from 'drizzle-orm'
import { accountStatusForRefusal, isAccountRefusal } from '../plaid/refusals.ts'
import type { OutcomeContext } from '../purchases/outcomes.ts'
import {
  findOffering,
  findPurchase,
  ledgerRefOf,
  movePurchase,
  type OfferingRow,
} from '../purchases/records.ts'
import { failureCodeOf, type TransferEventFields } from '../purchases/transfer-events.ts'
import { formatUsd, largestPurchaseWithin } from '../routes/offerings/offerings.amounts.ts'
import { readRolloverFallback } from './history.ts'
import {
  describePayoutRefusal,
  describePayoutReturn,
  holdPayout,
  isAccountReturnCode,
} from './hold.ts'
import { noticeMaturityPaid } from './notices.ts'
import { movePayout, nextAttemptKey, type PayoutRow } from './records.ts'

// A credit that fails moved no money, so it is sent again under a new authorization; from the
// third failure in a row, each is an error for a person to look at.
const failuresBeforeAlert = 3

/**
 * Applies one Plaid event of a payout's ACH credit inside the transfer sync's transaction and
 * marks the event applied (under the payout's purchase). Each move is conditional on the state
 * the payout was read in, so a replayed or late event changes nothing. Answers whether it moved.
 */
export async function applyPayoutEvent(
  tx: Tx,
  ctx: OutcomeContext,
  payout: PayoutRow,
  event: TransferEventFields,
  log?: Logger,
): Promise<boolean> {
  const at = ctx.eventTime(event.timestamp)
  const code = failureCodeOf(event)
  const from = (...states: PayoutRow['state'][]) => states.includes(payout.state)

  let moved = false
  if (event.event_type === 'posted' && from('pending')) {
    moved = await movePayout(tx, payout, 'posted', ctx.now)
  } else if (event.event_type === 'settled' && from('pending', 'posted')) {
    moved = await settlePayout(tx, ctx, payout, event.event_id, at)
  } else if (['failed', 'cancelled'].includes(event.event_type) && from('pending', 'posted')) {
    moved = await retryOrHold(tx, ctx, payout, { at, code, log })
  } else if (event.event_type === 'returned' && from('pending', 'posted', 'settled')) {
    moved = await holdPayout(tx, ctx, payout, {
      to: 'returned',
      at,
      code,
      reason: describePayoutReturn(code),
      // Any return says the account cannot take the money, whatever else the code says.
      accountStatus: bankAccountStatusForReturn(code) ?? 'closed',
      log,
    })
  }

  await tx
    .update(transferEvents)
    .set({ appliedAt: ctx.now, purchaseId: payout.purchaseId })
    .where(eq(transferEvents.eventId, event.event_id))

  return moved
}

/** The credit settled: the money has left our bank, and the note is paid. */
async function settlePayout(
  tx: Tx,
  ctx: OutcomeContext,
  payout: PayoutRow,
  eventId: number,
  at: Date,
): Promise<boolean> {
  if (!(await movePayout(tx, payout, 'settled', ctx.now, { settledAt: at }))) return false

  const purchase = await findPurchase(tx, payout.purchaseId)
  if (!purchase) throw new Error(`Purchase ${payout.purchaseId} of payout ${payout.id} is missing`)
  await postTransaction(
    tx,
    settlePayoutPosting({
      ...ledgerRefOf(purchase, businessDateOf(at, ctx.timeZone)),
      amountCents: payout.amountCents,
      round: payout.resends,
    }),
  )
  // A note paid once whose money came back and was sent again is already `paid`.
  if (purchase.state !== 'paid') {
    await movePurchase(tx, purchase, 'paid', {
      reason: 'payout settled',
      now: ctx.now,
      transferEventId: eventId,
    })
  }

  const rolled = await tx.query.purchases.findFirst({
    where: eq(purchases.rolledFromPurchaseId, purchase.id),
  })
  const matured = await tx.query.purchaseEvents.findFirst({
    where: and(eq(purchaseEvents.purchaseId, purchase.id), eq(purchaseEvents.toState, 'matured')),
  })
  const offering = await findOffering(tx, purchase.offeringId)
  const target = rolled ? await findOffering(tx, rolled.offeringId) : undefined
  await noticeMaturityPaid(tx, ctx, {
    purchase,
    offering,
    payout,
    note: paidNote(
      purchase,
      rolled && target ? { ...rolled, target, paidCents: payout.amountCents } : undefined,
      matured ? readRolloverFallback(matured.reason) : null,
    ),
  })

  return true
}

function paidNote(
  purchase: { maturityInstruction: string; amountCents: number },
  rolled: { amountCents: number; target: OfferingRow; paidCents: number } | undefined,
  whyNotRolled: string | null,
): string | null {
  if (purchase.maturityInstruction === 'payout') return null
  if (!rolled) {
    return `You asked to roll this note over, but it could not be (${whyNotRolled ?? 'the offering you chose could not take it'}), so it was paid out instead.`
  }
  if (
    purchase.maturityInstruction === 'rollover_principal' &&
    rolled.amountCents === purchase.amountCents
  ) {
    return 'This is the interest; your principal rolled over into a new note.'
  }
  // What the instruction asked to roll, and why less went: the new note's size is its
  // offering's to set (at most its largest note, in its steps, within the room it had).
  const wanted =
    purchase.maturityInstruction === 'rollover_all'
      ? rolled.amountCents + rolled.paidCents
      : purchase.amountCents
  const { target } = rolled
  // With room for it all, the offering's limits alone would have made the note this size.
  const byLimits = largestPurchaseWithin(target, wanted)
  const why =
    rolled.amountCents !== byLimits
      ? `as much as ${target.name} had room for`
      : wanted > target.maxPurchaseCents
        ? `the largest note ${target.name} sells`
        : `in the steps of ${formatUsd(target.incrementCents)} that ${target.name} sells`
  // Rolling the principal alone, the interest is paid as asked: only the principal's leftover
  // is the offering's doing.
  if (purchase.maturityInstruction === 'rollover_principal') {
    return `${formatUsd(rolled.amountCents)} of your ${formatUsd(purchase.amountCents)} principal rolled over into a new note, ${why}; this is the rest of the principal, and the interest.`
  }
  return `${formatUsd(rolled.amountCents)} rolled over into a new note, ${why}; this is the rest.`
}

/**
 * The credit failed: no money moved. A failure that names the investor's account (an ACH code
 * such as R03, or a Plaid code for an account that cannot receive) holds the money for them as a
 * return does. Any other failure happened at Plaid before any bank saw the credit (the Plaid
 * Ledger short of funds, a risk check): not the investor's to fix, so the payout is sent again
 * under a new authorization on the next run, however often it takes, and from the third failure
 * in a row each is logged as an error for a person to find the cause.
 */
async function retryOrHold(
  tx: Tx,
  ctx: OutcomeContext,
  payout: PayoutRow,
  input: { at: Date; code: string | null; log?: Logger },
): Promise<boolean> {
  const accountProblem = input.code ? describeAccountFailure(input.code) : null
  if (accountProblem) {
    return holdPayout(tx, ctx, payout, { ...input, to: 'failed', ...accountProblem })
  }

  // Failures of this round only: money sent again to a new account starts a fresh count.
  const [earlier] = await tx
    .select({ n: count() })
    .from(transferEvents)
    .where(
      and(
        eq(transferEvents.purchaseId, payout.purchaseId),
        inArray(transferEvents.eventType, ['failed', 'cancelled']),
        ne(transferEvents.transferId, payout.transferId ?? ''),
        payout.resentAt ? gte(transferEvents.receivedAt, payout.resentAt) : undefined,
      ),
    )
  const failures = (earlier?.n ?? 0) + 1
  const fields = { payoutId: payout.id, failures, code: input.code }
  if (failures >= failuresBeforeAlert) {
    input.log?.error(
      'payout credit keeps failing at Plaid; it is sent again on the next run',
      fields,
    )
  } else {
    input.log?.warn('payout credit failed; it is sent again on the next run', fields)
  }
  return movePayout(tx, payout, 'initiated', ctx.now, {
    idempotencyKey: nextAttemptKey(payout.idempotencyKey),
    authorizationId: null,
    transferId: null,
    failureCode: input.code,
    failureReason: 'The bank transfer failed; it is being sent again.',
  })
}

/** Why a failed credit cannot reach the account, when its code says so; null otherwise. */
function describeAccountFailure(code: string) {
  if (isAccountReturnCode(code)) {
    // The receiving bank's answer that the account cannot take it, as a return says. Any other
    // code is not the account's to answer for: the credit is sent again, as without one.
    return {
      reason: describePayoutReturn(code),
      accountStatus: bankAccountStatusForReturn(code) ?? 'closed',
    }
  }
  if (!isAccountRefusal(code)) return null
  return { reason: describePayoutRefusal(code), accountStatus: accountStatusForRefusal(code) }
}
