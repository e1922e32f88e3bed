import { purchases } from '@tenor/db/schema'
import { and, asc, eq, lt } from 'drizzle-orm'
import { advancePurchase } from './advance.ts'
import type { PurchaseDeps } from './deps.ts'
import type { PurchaseRow } from './records.ts'

// A request holds an initiated purchase for a few seconds; older ones were left by a failure.
const staleAfterMs = 60 * 1000
const batchSize = 100

/**
 * Moves an `initiated` purchase forward from what Plaid knows: its authorization (asked again
 * under the same key), then the transfer found by authorization id, created only if none exists.
 */
export function reconcilePurchase(
  deps: PurchaseDeps,
  purchaseId: string,
): Promise<PurchaseRow | null> {
  return advancePurchase(deps, purchaseId, { reconciling: true })
}

/**
 * Reconciles purchases left `initiated` by a lost reply, a Plaid outage or a crash. Run by the
 * transfer-sync job; counts how many moved, how many still wait, and how many failed to run.
 */
export async function reconcileStalePurchases(
  deps: PurchaseDeps,
): Promise<{ reconciled: number; stillInitiated: number; reconcileErrors: number }> {
  const cutoff = new Date(deps.clock.now().getTime() - staleAfterMs)
  const stale = await deps.database.db
    .select({ id: purchases.id })
    .from(purchases)
    .where(and(eq(purchases.state, 'initiated'), lt(purchases.updatedAt, cutoff)))
    .orderBy(asc(purchases.updatedAt))
    .limit(batchSize)

  const counts = { reconciled: 0, stillInitiated: 0, reconcileErrors: 0 }
  for (const { id } of stale) {
    try {
      const after = await reconcilePurchase(deps, id)
      if (after?.state === 'initiated') counts.stillInitiated += 1
      else counts.reconciled += 1
    } catch (error) {
      counts.reconcileErrors += 1
      deps.log.warn('purchase reconciliation failed; will try again', { purchaseId: id, error })
    }
  }

  return counts
}
