import { pruneIdempotencyKeys } from '@tenor/api/purchases/idempotency'
import { reconcileStalePurchases } from '@tenor/api/purchases/reconcile'
import type { Job } from '../job.ts'

/**
 * The fallback for purchases: pulls transfer events the TRANSFER_EVENTS_UPDATE webhook did not
 * bring (webhooks can be lost), reconciles purchases left `initiated` by a lost reply or an
 * outage, and forgets idempotency keys past their 24 hours.
 */
export const syncTransfers: Job = {
  name: 'transfer-sync',
  async run({ deps }) {
    const synced = await deps.syncTransfers()
    const reconciled = await reconcileStalePurchases(deps)
    const keysPruned = await pruneIdempotencyKeys(deps.database, deps.wallClock.now())

    return {
      eventPages: synced.pages,
      eventsStored: synced.stored,
      purchasesMoved: synced.moved,
      ...reconciled,
      idempotencyKeysPruned: keysPruned,
    }
  },
}
