import type { CalendarDate, LedgerReader, MaturityInstruction } from '@tenor/db/domain'
import { offerings, purchases } from '@tenor/db/schema'
import { and, eq, isNull } from 'drizzle-orm'
import { ApiError, notFound } from '../lib/errors.ts'
import type { PurchaseDeps } from '../purchases/deps.ts'
import { isOpenForPurchase } from '../purchases/preconditions.ts'
import { findInstructionLock } from './instruction-lock.ts'
import { writeRetrying } from './records.ts'

export interface InstructionRequest {
  instruction: MaturityInstruction
  rolloverOfferingSlug?: string
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
  input: { userId: string; purchaseId: string; request: InstructionRequest; today: CalendarDate },
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
        ? await findOpenOffering(tx, request.rolloverOfferingSlug, today)
        : null
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

/** The offering a rollover may go into: one that is open and still selling today. */
async function findOpenOffering(
  db: LedgerReader,
  slug: string,
  today: CalendarDate,
): Promise<{ id: string; rateBps: number }> {
  const offering = await db.query.offerings.findFirst({
    where: eq(offerings.slug, slug),
  })
  // A draft is not known outside the console: it reads as no offering at all.
  if (!offering || offering.status === 'draft') {
    throw new ApiError(422, 'unknown_offering', 'There is no offering with that slug.')
  }
  if (!isOpenForPurchase(offering, today)) {
    throw new ApiError(
      409,
      'rollover_offering_unavailable',
      `${offering.name} is not open, so a note cannot roll over into it.`,
    )
  }

  return { id: offering.id, rateBps: offering.rateBps }
}
