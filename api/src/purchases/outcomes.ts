import type { Tx } from '@tenor/db'
import {
  accountBalance,
  accounts,
  bankAccountStatusForReturn,
  businessDateOf,
  calculateInterest,
  calculateMaturityDate,
  canTransition,
  postTransaction,
  reversePurchasePosting,
  settlePurchasePosting,
  type UndoneState,
} from '@tenor/db/domain'
import { type bankAccountStatuses, bankAccounts } from '@tenor/db/schema'
import { and, eq } from 'drizzle-orm'
import { scheduleRepayment } from '../maturities/early-repayment.ts'
import { accountStatusForRefusal } from '../plaid/refusals.ts'
import type { PurchaseDeps } from './deps.ts'
import { type NoticeContext, noticePurchaseActive, noticePurchaseStopped } from './notices.ts'
import {
  findOffering,
  ledgerRefOf,
  movePurchase,
  type PurchaseRow,
  releaseCapacity,
} from './records.ts'
import { noteTermsOf } from './views.ts'

/** What happened to a purchase's transfer, from a Plaid event, a decision or a cancellation. */
export interface PurchaseOutcome {
  state: 'processing' | 'active' | UndoneState
  /** When it happened: the event's timestamp. Its business date dates settlement and postings. */
  at: Date
  reason: string
  failureCode?: string | null
  /** Plain words for the investor; required for failed, cancelled and returned. */
  failureReason?: string
  transferEventId?: number | null
}

export interface OutcomeContext extends NoticeContext {
  timeZone: string
  /**
   * A Plaid event's timestamp on our clock. Production and tests: the instant itself. In
   * development the sandbox keeps real time while the time control moves ours, so its events
   * are moved with it, and a debit settling "today" settles on the business date shown.
   */
  eventTime(timestamp: string): Date
}

export function outcomeContextOf(deps: Pick<PurchaseDeps, 'clock' | 'env'>): OutcomeContext {
  return {
    now: deps.clock.now(),
    publicUrl: deps.env.publicUrl,
    timeZone: deps.env.businessTimeZone,
    eventTime: (timestamp) => {
      const instant = new Date(timestamp)
      return deps.clock.fromRealTime?.(instant) ?? instant
    },
  }
}

/**
 * Applies an outcome to a purchase inside the caller's transaction: the one path every Plaid
 * event, decline and cancellation takes. Answers false, changing nothing, when the state
 * machine does not allow the move (a duplicate, or an event older than the state).
 */
export async function applyPurchaseOutcome(
  tx: Tx,
  ctx: OutcomeContext,
  purchase: PurchaseRow,
  outcome: PurchaseOutcome,
): Promise<boolean> {
  if (!canTransition(purchase.state, outcome.state)) return false

  if (outcome.state === 'active') return settlePurchase(tx, ctx, purchase, outcome)
  if (outcome.state === 'processing') {
    return movePurchase(tx, purchase, 'processing', historyOf(outcome, ctx))
  }

  return undoPurchase(tx, ctx, purchase, { ...outcome, state: outcome.state })
}

/** What the purchase's history records about a move. */
const historyOf = (outcome: PurchaseOutcome, ctx: OutcomeContext) => ({
  reason: outcome.reason,
  now: ctx.now,
  transferEventId: outcome.transferEventId ?? null,
})

/**
 * Settlement: the note starts earning on the business date the debit settled, and matures a
 * whole term later. The money in transit is now at our bank.
 */
async function settlePurchase(
  tx: Tx,
  ctx: OutcomeContext,
  purchase: PurchaseRow,
  outcome: PurchaseOutcome,
): Promise<boolean> {
  const offering = await findOffering(tx, purchase.offeringId)
  const settledOn = businessDateOf(outcome.at, ctx.timeZone)
  const maturityDate = calculateMaturityDate(settledOn, offering.termMonths)
  const moved = await movePurchase(tx, purchase, 'active', {
    ...historyOf(outcome, ctx),
    changes: { settledOn, maturityDate },
  })
  if (!moved) return false

  await postTransaction(
    tx,
    settlePurchasePosting({
      ...ledgerRefOf(purchase, settledOn),
      amountCents: purchase.amountCents,
    }),
  )
  if (offering.status === 'cancelled') {
    // Settled after its offering was cancelled: the note is set to be repaid now, and the early
    // repayment email is the investor's news, not a note running its full term.
    await scheduleRepayment(tx, purchase.id, {
      today: businessDateOf(ctx.now, ctx.timeZone),
      now: ctx.now,
      publicUrl: ctx.publicUrl,
      reason: 'offering_cancelled',
    })
    return true
  }
  // At the rate the note was sold at: a rate changed since is for new purchases only.
  const interestCents = calculateInterest({
    ...noteTermsOf(offering, purchase),
    principalCents: purchase.amountCents,
    startDate: settledOn,
    maturityDate,
  })
  await noticePurchaseActive(tx, ctx, purchase, offering, {
    settledOn,
    maturityDate,
    payoutCents: purchase.amountCents + interestCents,
  })

  return true
}

/**
 * Failure, cancellation or return: capacity goes back once, the ledger is reversed (from our
 * bank if the debit had settled, with any interest already accrued), a return that closes the
 * account or withdraws authority marks the account, and the investor is told why.
 */
async function undoPurchase(
  tx: Tx,
  ctx: OutcomeContext,
  purchase: PurchaseRow,
  outcome: PurchaseOutcome & { state: UndoneState },
): Promise<boolean> {
  const reason = outcome.failureReason ?? outcome.reason
  const moved = await movePurchase(tx, purchase, outcome.state, {
    ...historyOf(outcome, ctx),
    changes: { failureCode: outcome.failureCode ?? null, failureReason: reason },
  })
  if (!moved) return false

  await releaseCapacity(tx, purchase, ctx.now)
  const effectiveDate = businessDateOf(outcome.at, ctx.timeZone)
  const accruedInterestCents = await accountBalance(tx, accounts.noteInterestPayable(purchase.id))
  await postTransaction(
    tx,
    reversePurchasePosting({
      ...ledgerRefOf(purchase, effectiveDate),
      amountCents: purchase.amountCents,
      settled: purchase.settledOn !== null,
      accruedInterestCents,
      memo: `Purchase ${outcome.state}${outcome.failureCode ? ` (${outcome.failureCode})` : ''}`,
    }),
  )

  // A return closing the account or withdrawing authority, or Plaid refusing the debit for the
  // account alone (it no longer knows it, or blocks it), marks the account.
  const code = outcome.failureCode ?? null
  const accountStatus =
    outcome.state === 'returned'
      ? bankAccountStatusForReturn(code)
      : outcome.state === 'failed' && code
        ? accountStatusForRefusal(code)
        : null
  if (accountStatus) await markAccount(tx, purchase.bankAccountId, accountStatus)

  const offering = await findOffering(tx, purchase.offeringId)
  await noticePurchaseStopped(tx, ctx, purchase, offering, outcome.state, reason)

  return true
}

/**
 * A return of a note's debit that came after the note matured leaves the note as it is (a
 * person closes it), but says as much about the account as one before: closed, or its holder
 * disputing our debits. The account is marked so, and is never debited again.
 */
export async function markAccountForLateReturn(
  tx: Tx,
  purchase: Pick<PurchaseRow, 'bankAccountId'>,
  code: string | null,
): Promise<void> {
  const status = bankAccountStatusForReturn(code)
  if (status) await markAccount(tx, purchase.bankAccountId, status)
}

/** Marks an active account, as a return or Plaid's refusal says it now is. */
async function markAccount(
  tx: Tx,
  bankAccountId: string,
  status: Exclude<(typeof bankAccountStatuses)[number], 'active'>,
): Promise<void> {
  await tx
    .update(bankAccounts)
    .set({ status })
    .where(and(eq(bankAccounts.id, bankAccountId), eq(bankAccounts.status, 'active')))
}
