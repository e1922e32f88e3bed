import {
  type CalendarDate,
  calculateMaturityDate,
  describeCalendarDate,
  formatBasisPoints,
  type LedgerReader,
  type MaturityInstruction,
  toCalendarDate,
} from '@tenor/db/domain'
import { offerings, purchases } from '@tenor/db/schema'
import { and, eq, isNull } from 'drizzle-orm'
import { ApiError, notFound } from '../lib/errors.ts'
import type { PurchaseDeps } from '../purchases/deps.ts'
import { isOpenForPurchase } from '../purchases/preconditions.ts'
import type { PurchaseRow } from '../purchases/records.ts'
import { startDateOf, type ValuationDay } from '../purchases/valuation-day.ts'
import { findInstructionLock } from './instruction-lock.ts'
import { writeRetrying } from './records.ts'

export interface InstructionRequest {
  instruction: MaturityInstruction
  rolloverOfferingSlug?: string
  /** The offering's rate the investor was shown; a different rate now refuses the choice. */
  rolloverRateBps?: number
}

/**
 * Sets what happens to a holding at maturity: paid to the bank, or rolled over (all of it, or
 * the principal with the interest paid) into an offering open today. Allowed until the cut-off
 * (`canChangeInstruction` on the business date), and never for a note Tenor repays early
 * (`findInstructionLock`). Another investor's purchase is not found, like a missing one. The
 * check and the change are one transaction, and the change is conditional on what was checked,
 * so neither the maturity job nor an early repayment can slip in between.
 */
export function setMaturityInstruction(
  deps: PurchaseDeps,
  input: { userId: string; purchaseId: string; request: InstructionRequest } & ValuationDay,
): Promise<void> {
  const { request, today } = input

  return writeRetrying(deps.database, async (tx) => {
    const purchase = await tx.query.purchases.findFirst({
      where: and(eq(purchases.id, input.purchaseId), eq(purchases.userId, input.userId)),
    })
    if (!purchase) throw notFound('purchase')
    const lock = findInstructionLock(purchase, today)
    if (lock) throw new ApiError(409, lock.code, lock.message)

    const target =
      request.instruction !== 'payout' && request.rolloverOfferingSlug
        ? await findOpenOffering(tx, request.rolloverOfferingSlug, {
            today,
            maturity: await maturityOf(tx, purchase, input),
          })
        : null
    if (
      target &&
      request.rolloverRateBps !== undefined &&
      request.rolloverRateBps !== target.rateBps
    ) {
      throw new ApiError(
        409,
        'rate_changed',
        `The rate of ${target.name} changed from ${formatBasisPoints(request.rolloverRateBps)} to ${formatBasisPoints(target.rateBps)} after you saw it. Review it, then choose again.`,
      )
    }
    await tx
      .update(purchases)
      .set({
        maturityInstruction: request.instruction,
        rolloverOfferingId: target?.id ?? null,
        // The rate the investor sees beside the choice: the rollover never happens at less.
        rolloverRateBps: target?.rateBps ?? null,
        updatedAt: deps.clock.now(),
      })
      .where(
        and(
          eq(purchases.id, purchase.id),
          eq(purchases.state, purchase.state),
          isNull(purchases.repaymentScheduledAt),
        ),
      )
  })
}

/**
 * The note's maturity date or, before its debit settles, the earliest it can be (from the
 * banking day the debit should settle on; a later settlement only moves it later).
 */
async function maturityOf(
  db: LedgerReader,
  purchase: PurchaseRow,
  day: ValuationDay,
): Promise<{ date: CalendarDate; estimated: boolean }> {
  if (purchase.maturityDate)
    return { date: toCalendarDate(purchase.maturityDate), estimated: false }
  const offering = await db.query.offerings.findFirst({
    columns: { termMonths: true },
    where: eq(offerings.id, purchase.offeringId),
  })
  if (!offering)
    throw new Error(`Offering ${purchase.offeringId} of purchase ${purchase.id} is missing`)
  return {
    date: calculateMaturityDate(startDateOf(purchase, day), offering.termMonths),
    estimated: true,
  }
}

/**
 * The offering a rollover may go into: one open and selling today, and still selling on the
 * note's maturity date (before the debit settles, on the earliest it can be: an offering that
 * closes before then cannot take the note whenever it settles).
 */
async function findOpenOffering(
  db: LedgerReader,
  slug: string,
  on: { today: CalendarDate; maturity: { date: CalendarDate; estimated: boolean } },
): Promise<{ id: string; name: string; rateBps: number }> {
  const offering = await db.query.offerings.findFirst({
    where: eq(offerings.slug, slug),
  })
  // A draft is not known outside the console: it reads as no offering at all.
  if (!offering || offering.status === 'draft') {
    throw new ApiError(422, 'unknown_offering', 'There is no offering with that slug.')
  }
  if (!isOpenForPurchase(offering, on.today)) {
    throw new ApiError(
      409,
      'rollover_offering_unavailable',
      `${offering.name} is not open, so a note cannot roll over into it.`,
    )
  }
  if (!isOpenForPurchase(offering, on.maturity.date)) {
    const matures = `${on.maturity.estimated ? 'at the earliest ' : ''}on ${describeCalendarDate(on.maturity.date)}`
    throw new ApiError(
      409,
      'rollover_offering_unavailable',
      `${offering.name} stops selling on ${describeCalendarDate(offering.closesOn)}, before this note matures ${matures}, so it cannot roll over into it.`,
    )
  }

  return { id: offering.id, name: offering.name, rateBps: offering.rateBps }
}
