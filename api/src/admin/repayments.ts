import { businessDateOf } from '@tenor/db/domain'
import { offerings, purchases } from '@tenor/db/schema'
import { and, eq, inArray, isNull } from 'drizzle-orm'
import type { AppDeps } from '../context.ts'
import { scheduleRepayment } from '../maturities/early-repayment.ts'
import { cancelPendingPurchase } from '../purchases/cancel.ts'
import { cancelledByTenorReasons } from '../purchases/reasons.ts'

/*
 * A cancelled offering's notes: the debits that must not go through at all, and the settled
 * notes set to be repaid early (`scheduleRepayment`).
 */

/**
 * Cancels at Plaid the debits still pending of cancelled offerings (one, or all), so no investor
 * pays for a note that will not be. The worker runs it again and again: a purchase still
 * confirming with Plaid when the offering was cancelled, or a cancel Plaid failed to answer, is
 * cancelled on a later run; a debit already on its way settles and is repaid.
 */
export async function cancelPendingDebits(
  deps: AppDeps,
  offeringId?: string,
): Promise<{ cancelled: number; notCancelled: number }> {
  const pending = await deps.database.db
    .select({ id: purchases.id, transferId: purchases.transferId })
    .from(purchases)
    .innerJoin(offerings, eq(offerings.id, purchases.offeringId))
    .where(
      and(
        eq(offerings.status, 'cancelled'),
        eq(purchases.state, 'pending'),
        offeringId ? eq(offerings.id, offeringId) : undefined,
      ),
    )
  const counts = { cancelled: 0, notCancelled: 0 }
  for (const purchase of pending) {
    const done = await cancelPendingPurchase(
      deps,
      purchase,
      'offering cancelled',
      cancelledByTenorReasons.offering_cancelled,
    ).catch((error: unknown) => {
      deps.log.warn('could not cancel a debit of a cancelled offering', {
        purchaseId: purchase.id,
        error,
      })
      return false
    })
    if (done) counts.cancelled++
    else counts.notCancelled++
  }
  return counts
}

/**
 * Brings every active note of a cancelled offering to its repayment date (`repaymentDate`), paid
 * out: the maturity job then repays it. Safe to run again, as a note is set to be repaid once;
 * the worker runs it to catch debits that settled later.
 */
export async function refundCancelledOfferings(
  deps: AppDeps,
  offeringId?: string,
): Promise<number> {
  const now = deps.clock.now()
  const today = businessDateOf(now, deps.env.businessTimeZone)
  const cancelled = await deps.database.db
    .select({ id: offerings.id })
    .from(offerings)
    .where(
      offeringId
        ? and(eq(offerings.id, offeringId), eq(offerings.status, 'cancelled'))
        : eq(offerings.status, 'cancelled'),
    )
  if (cancelled.length === 0) return 0
  return deps.database.write(async (tx) => {
    const due = await tx
      .select({ id: purchases.id })
      .from(purchases)
      .where(
        and(
          inArray(
            purchases.offeringId,
            cancelled.map((o) => o.id),
          ),
          eq(purchases.state, 'active'),
          isNull(purchases.repaymentScheduledAt),
        ),
      )
    let count = 0
    const publicUrl = deps.env.publicUrl
    for (const { id } of due) {
      const reason = 'offering_cancelled'
      if (await scheduleRepayment(tx, id, { today, now, publicUrl, reason })) count++
    }
    return count
  })
}
