import { newId, type Tx } from '@tenor/db'
import type { CalendarDate, LedgerReader, PurchaseState } from '@tenor/db/domain'
import { achAuthorizations, offerings, purchaseEvents, purchases } from '@tenor/db/schema'
import { and, eq, isNull, sql } from 'drizzle-orm'

export type PurchaseRow = typeof purchases.$inferSelect
export type OfferingRow = typeof offerings.$inferSelect

export async function findPurchase(db: LedgerReader, id: string): Promise<PurchaseRow | null> {
  const row = await db.query.purchases.findFirst({ where: eq(purchases.id, id) })

  return row ?? null
}

export async function findOffering(db: LedgerReader, id: string): Promise<OfferingRow> {
  const row = await db.query.offerings.findFirst({ where: eq(offerings.id, id) })
  if (!row) throw new Error(`Offering ${id} of a purchase is missing`)

  return row
}

export type DebitAuthorization = typeof achAuthorizations.$inferSelect

/** The debit authorization kept for a purchase; null for a note bought by rolling another over. */
export async function findDebitAuthorization(
  db: LedgerReader,
  purchaseId: string,
): Promise<DebitAuthorization | null> {
  const row = await db.query.achAuthorizations.findFirst({
    where: eq(achAuthorizations.purchaseId, purchaseId),
  })

  return row ?? null
}

/**
 * Moves a purchase from the state it was read in to `to` and records why, in one conditional
 * statement: false when the purchase had already moved, so two writers cannot both act.
 */
export async function movePurchase(
  tx: Tx,
  purchase: PurchaseRow,
  to: PurchaseState,
  input: {
    reason: string
    now: Date
    transferEventId?: number | null
    changes?: Partial<Pick<PurchaseRow, 'transferId' | 'failureCode' | 'failureReason'>> & {
      settledOn?: CalendarDate
      maturityDate?: CalendarDate
    }
  },
): Promise<boolean> {
  const [moved] = await tx
    .update(purchases)
    .set({ ...input.changes, state: to, updatedAt: input.now })
    .where(and(eq(purchases.id, purchase.id), eq(purchases.state, purchase.state)))
    .returning({ id: purchases.id })
  if (!moved) return false

  await tx.insert(purchaseEvents).values({
    id: newId(),
    purchaseId: purchase.id,
    fromState: purchase.state,
    toState: to,
    reason: input.reason,
    transferEventId: input.transferEventId ?? null,
    createdAt: input.now,
  })

  return true
}

/**
 * Gives a purchase's capacity back to its offering, once: the purchase is marked first, and
 * only the statement that marks it gives anything back.
 */
export async function releaseCapacity(tx: Tx, purchase: PurchaseRow, now: Date): Promise<boolean> {
  const [marked] = await tx
    .update(purchases)
    .set({ capacityReleasedAt: now })
    .where(and(eq(purchases.id, purchase.id), isNull(purchases.capacityReleasedAt)))
    .returning({ id: purchases.id })
  if (!marked) return false

  await tx
    .update(offerings)
    .set({
      reservedCents: sql`${offerings.reservedCents} - ${purchase.amountCents}`,
      updatedAt: now,
    })
    .where(eq(offerings.id, purchase.offeringId))

  return true
}

/** The references every posting about a purchase carries. */
export function ledgerRefOf(purchase: PurchaseRow, effectiveDate: CalendarDate) {
  return {
    purchaseId: purchase.id,
    offeringId: purchase.offeringId,
    userId: purchase.userId,
    effectiveDate,
  }
}
