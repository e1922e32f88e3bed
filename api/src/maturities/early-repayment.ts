import { newId, type Tx } from '@tenor/db'
import {
  addDays,
  type CalendarDate,
  calculateInterest,
  compareDates,
  minDate,
  toCalendarDate,
} from '@tenor/db/domain'
import { type EarlyRepaymentReason, purchaseEvents, purchases } from '@tenor/db/schema'
import { and, eq } from 'drizzle-orm'
import { wasFundingInDoubt } from '../purchases/funding-in-doubt.ts'
import { findOffering, type PurchaseRow } from '../purchases/records.ts'
import { noteTermsOf } from '../purchases/views.ts'
import { repaymentWords } from './history.ts'
import { noticeEarlyRepayment } from './notices.ts'

/*
 * When a note repaid before its term ends (an approved refund, a cancelled offering) is repaid,
 * and marking it so, in the caller's transaction: the maturity job then repays it like any
 * maturity.
 */

/**
 * Calendar days a repaid note waits after its debit settled. The investor's bank can return the
 * debit for want of funds or a closed account (R01 to R03) for two banking days after settlement;
 * a week covers those across any weekend and holiday. Repaying sooner would send out money that
 * a return could then take back, money Tenor never received.
 */
export const repaymentHoldDays = 7

/**
 * When an active note being repaid early (a refund, a cancelled offering) matures: today, or once
 * its debit can no longer come back if that is later; never after its own maturity date, since
 * interest stops at the end of the term however late the note is repaid.
 */
export function repaymentDate(
  purchase: Pick<PurchaseRow, 'settledOn' | 'maturityDate' | 'rolledFromPurchaseId'>,
  today: CalendarDate,
): CalendarDate | null {
  if (!purchase.settledOn || !purchase.maturityDate) return null
  // A note bought by rolling another over was paid by no new debit: nothing can come back.
  const hold = purchase.rolledFromPurchaseId ? 0 : repaymentHoldDays
  const safe = addDays(toCalendarDate(purchase.settledOn), hold)
  const wanted = compareDates(today, safe) > 0 ? today : safe
  return minDate(wanted, toCalendarDate(purchase.maturityDate))
}

/**
 * Brings an active note's maturity forward to its repayment date (`repaymentDate`) with payout as
 * its instruction, and marks it as repaid early, so the maturity job repays principal and
 * interest to that day exactly as it repays any maturity, and the investor can no longer choose
 * a rollover; the history says why, and an email tells the investor. A note already set to be
 * repaid keeps its date and reason. Answers the date the note now matures on, or null when it is
 * no longer active (it matured or was undone meanwhile).
 */
export async function scheduleRepayment(
  tx: Tx,
  purchaseId: string,
  input: { today: CalendarDate; now: Date; publicUrl: string; reason: EarlyRepaymentReason },
): Promise<CalendarDate | null> {
  const purchase = await tx.query.purchases.findFirst({
    where: and(eq(purchases.id, purchaseId), eq(purchases.state, 'active')),
  })
  const repayOn = purchase ? repaymentDate(purchase, input.today) : null
  if (!purchase || !repayOn) return null
  // Its date was the earliest it could be then, and a later day cannot bring it forward.
  if (purchase.repaymentScheduledAt && purchase.maturityDate) {
    return toCalendarDate(purchase.maturityDate)
  }

  await tx
    .update(purchases)
    .set({
      maturityDate: repayOn,
      maturityInstruction: 'payout',
      rolloverOfferingId: null,
      rolloverRateBps: null,
      repaymentScheduledAt: input.now,
      repaymentReason: input.reason,
      updatedAt: input.now,
    })
    .where(and(eq(purchases.id, purchaseId), eq(purchases.state, 'active')))
  const why = repaymentWords[input.reason]
  await tx.insert(purchaseEvents).values({
    id: newId(),
    purchaseId,
    fromState: 'active',
    toState: 'active',
    reason:
      repayOn === input.today
        ? `${why}: repaid today with interest to date`
        : repayOn === purchase.maturityDate
          ? `${why}: repaid with interest to its maturity date, ${repayOn}`
          : `${why}: repaid on ${repayOn}, once its debit can no longer come back, with interest to that day`,
    createdAt: input.now,
  })
  await tellInvestor(tx, purchase, repayOn, input)

  return repayOn
}

/** The early repayment email, with the interest the note earns to its repayment day. */
async function tellInvestor(
  tx: Tx,
  purchase: PurchaseRow,
  repaidOn: CalendarDate,
  input: { today: CalendarDate; now: Date; publicUrl: string; reason: EarlyRepaymentReason },
): Promise<void> {
  if (!purchase.settledOn || !purchase.maturityDate) return

  const offering = await findOffering(tx, purchase.offeringId)
  const interestCents = calculateInterest({
    ...noteTermsOf(offering, purchase),
    principalCents: purchase.amountCents,
    startDate: toCalendarDate(purchase.settledOn),
    maturityDate: repaidOn,
  })
  await noticeEarlyRepayment(
    tx,
    { now: input.now, publicUrl: input.publicUrl },
    {
      purchase,
      offering,
      reason: input.reason,
      today: input.today,
      repaidOn,
      // Later than today and before its own maturity date: the hold for returns sets the day.
      waitsForDebit: repaidOn > input.today && repaidOn < purchase.maturityDate,
      // Its payout is withheld (`sendPayout`): the email must not promise the money.
      inReview: await wasFundingInDoubt(tx, purchase.id),
      interestCents,
    },
  )
}
