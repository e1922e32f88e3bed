import { newId } from '@tenor/db'
import {
  type CalendarDate,
  openOfferingPosting,
  postTransaction,
  reservePurchasePosting,
  toCalendarDate,
} from '@tenor/db/domain'
import {
  idempotencyKeys,
  ledgerTransactions,
  offerings,
  purchaseEvents,
  purchases,
} from '@tenor/db/schema'
import { and, eq, gte, lte, sql } from 'drizzle-orm'
import type { PurchaseDeps } from './deps.ts'
import { noticePurchaseReceived } from './notices.ts'
import { capacityRefusal, type PurchaseRequest } from './preconditions.ts'
import { findOffering, ledgerRefOf, type PurchaseRow } from './records.ts'

/**
 * Phase one of a purchase, one transaction: reserve capacity by a conditional update (the
 * offering can never be oversold, however many buyers race), write the purchase as
 * `initiated`, post the reservation to the ledger, tie the idempotency key to the purchase,
 * and write the "purchase received" email. Throws the capacity refusal, writing nothing.
 */
export function reservePurchase(
  deps: PurchaseDeps,
  input: { userId: string; request: PurchaseRequest; keyId: string; today: CalendarDate },
): Promise<PurchaseRow> {
  const { request, today } = input
  const now = deps.clock.now()

  return deps.database.write(async (tx) => {
    const [reserved] = await tx
      .update(offerings)
      .set({
        reservedCents: sql`${offerings.reservedCents} + ${request.amountCents}`,
        updatedAt: now,
      })
      .where(
        and(
          eq(offerings.id, request.offeringId),
          eq(offerings.status, 'open'),
          lte(offerings.opensOn, today),
          gte(offerings.closesOn, today),
          sql`${offerings.reservedCents} + ${request.amountCents} <= ${offerings.capacityCents}`,
        ),
      )
      .returning()
    if (!reserved) {
      throw capacityRefusal(await findOffering(tx, request.offeringId), request.amountCents, today)
    }

    const [purchase] = await tx
      .insert(purchases)
      .values({
        id: newId(),
        userId: input.userId,
        offeringId: reserved.id,
        bankAccountId: request.bankAccountId,
        amountCents: request.amountCents,
        state: 'initiated',
        maturityInstruction: reserved.defaultMaturityInstruction,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
    if (!purchase) throw new Error('The purchase insert answered no row')
    await tx.insert(purchaseEvents).values({
      id: newId(),
      purchaseId: purchase.id,
      fromState: null,
      toState: 'initiated',
      reason: 'purchase received: the investor authorized a one-time ACH debit; capacity reserved',
      createdAt: now,
    })

    // The offering's capacity enters the ledger with its first purchase. A capacity changed
    // since then is for the change itself to post, so it must not make later sales fail here.
    const opening = openOfferingPosting({
      offeringId: reserved.id,
      capacityCents: reserved.capacityCents,
      effectiveDate: toCalendarDate(reserved.opensOn),
    })
    const opened = await tx.query.ledgerTransactions.findFirst({
      where: eq(ledgerTransactions.idempotencyKey, opening.idempotencyKey),
    })
    if (!opened) await postTransaction(tx, opening)
    await postTransaction(
      tx,
      reservePurchasePosting({
        ...ledgerRefOf(purchase, today),
        amountCents: purchase.amountCents,
      }),
    )

    await tx
      .update(idempotencyKeys)
      .set({ purchaseId: purchase.id })
      .where(eq(idempotencyKeys.id, input.keyId))
    await noticePurchaseReceived(tx, { now, publicUrl: deps.env.publicUrl }, purchase, reserved)

    return purchase
  })
}
