import { newId, type Tx } from '@tenor/db'
import {
  accountBalance,
  accounts,
  accrueInterestPosting,
  type CalendarDate,
  calculateInterest,
  isMaturityDue,
  postTransaction,
  sendPayoutPosting,
  splitMaturityProceeds,
  toCalendarDate,
} from '@tenor/db/domain'
import { payouts } from '@tenor/db/schema'
import type { OutcomeContext } from '../purchases/outcomes.ts'
import {
  findOffering,
  findPurchase,
  ledgerRefOf,
  movePurchase,
  type OfferingRow,
  type PurchaseRow,
} from '../purchases/records.ts'
import { noteTermsOf } from '../purchases/views.ts'
import { rolloverFallbackReason } from './history.ts'
import { payoutKeyOf } from './records.ts'
import { rollOver } from './rollover.ts'

export type MaturityResult = 'paid_out' | 'rolled_over' | 'rollover_fallback'

/**
 * What a settled note pays at its maturity date (`calculateInterest` from settlement to
 * maturity, at the rate it was sold at), and how its instruction divides that between a
 * rollover and the ACH payout. A note Tenor repays early goes back to the investor's bank,
 * whatever the instruction says.
 */
export function proceedsAtMaturity(
  purchase: PurchaseRow,
  offering: OfferingRow,
): { principalCents: number; interestCents: number; rolloverCents: number; payoutCents: number } {
  if (!purchase.settledOn || !purchase.maturityDate) {
    throw new Error(`Purchase ${purchase.id} has no settlement or maturity date`)
  }
  const principalCents = purchase.amountCents
  const interestCents = calculateInterest({
    ...noteTermsOf(offering, purchase),
    principalCents,
    startDate: toCalendarDate(purchase.settledOn),
    maturityDate: toCalendarDate(purchase.maturityDate),
  })
  const split = splitMaturityProceeds({
    principalCents,
    interestCents,
    instruction: purchase.repaymentScheduledAt ? 'payout' : purchase.maturityInstruction,
  })

  return { principalCents, interestCents, ...split }
}

/**
 * Matures one holding in the caller's transaction, or does nothing (null) unless it is
 * `active` and due on `today`. All of it commits together or not at all, so a crash can
 * neither leave a half-matured note nor, on the rerun, mature it twice:
 * 1. the final interest (`calculateInterest`, start to maturity) is posted as the difference
 *    from what is already accrued;
 * 2. the instruction is carried out: a rollover (see `rollOver`), or else a payout posting;
 * 3. the note moves to `matured`, and a payout row is written for whatever goes by ACH, keyed
 *    `payout:{purchaseId}:{maturityDate}`; with nothing to send, the note is `paid` at once.
 */
export async function maturePurchase(
  tx: Tx,
  ctx: OutcomeContext,
  purchaseId: string,
  today: CalendarDate,
): Promise<MaturityResult | null> {
  const purchase = await findPurchase(tx, purchaseId)
  if (purchase?.state !== 'active' || !purchase.settledOn || !purchase.maturityDate) return null
  const maturityDate = toCalendarDate(purchase.maturityDate)
  if (!isMaturityDue(today, maturityDate)) return null

  const offering = await findOffering(tx, purchase.offeringId)
  const { principalCents, interestCents, ...split } = proceedsAtMaturity(purchase, offering)
  const ref = ledgerRefOf(purchase, maturityDate)
  const accrual = accrueInterestPosting({
    ...ref,
    accruedCents: interestCents,
    postedCents: await accountBalance(tx, accounts.noteInterestPayable(purchase.id)),
    atMaturity: true,
  })
  if (accrual) await postTransaction(tx, accrual)

  const rollover =
    split.rolloverCents > 0
      ? await rollOver(tx, ctx, {
          purchase,
          offering,
          principalCents,
          interestCents,
          wantedCents: split.rolloverCents,
          today,
        })
      : null
  if (!rollover?.rolled) {
    await postTransaction(tx, sendPayoutPosting({ ...ref, principalCents, interestCents }))
  }
  const payoutCents = rollover?.rolled
    ? principalCents + interestCents - rollover.rolledCents
    : principalCents + interestCents

  const reason = !rollover
    ? 'matured; paid out by ACH credit'
    : rollover.rolled
      ? `matured; rolled over into note ${rollover.purchase.id}`
      : rolloverFallbackReason(rollover.why)
  const moved = await movePurchase(tx, purchase, 'matured', { reason, now: ctx.now })
  // Read inside this write transaction, the note cannot have moved; if it did, undo it all.
  if (!moved) throw new Error(`Purchase ${purchase.id} moved while maturing`)

  if (payoutCents > 0) {
    await tx.insert(payouts).values({
      id: newId(),
      purchaseId: purchase.id,
      userId: purchase.userId,
      bankAccountId: purchase.bankAccountId,
      kind: 'maturity',
      amountCents: payoutCents,
      state: 'initiated',
      idempotencyKey: payoutKeyOf(purchase.id, maturityDate),
      dueOn: maturityDate,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
  } else {
    const matured = { ...purchase, state: 'matured' as const }
    await movePurchase(tx, matured, 'paid', { reason: 'rolled over in full', now: ctx.now })
  }

  if (!rollover) return 'paid_out'
  return rollover.rolled ? 'rolled_over' : 'rollover_fallback'
}
