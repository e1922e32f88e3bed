import type { Tx } from '@tenor/db'
import type { Logger } from '@tenor/db/logger'
import { purchases, transferEvents, transferSyncCursor } from '@tenor/db/schema'
import { eq, sql } from 'drizzle-orm'
import type { TransferEvent } from 'plaid'
import { applyPayoutEvent } from '../maturities/payout-events.ts'
import { findPayoutByTransfer } from '../maturities/records.ts'
import { callPlaid } from '../plaid/errors.ts'
import type { PurchaseDeps } from './deps.ts'
import { type OutcomeContext, outcomeContextOf } from './outcomes.ts'
import { applyTransferEvent } from './transfer-events.ts'

export interface TransferSyncResult {
  pages: number
  /** Events stored for the first time. */
  stored: number
  /** Stored events that moved a purchase or a maturity payout. */
  moved: number
}

// Plaid's largest page.
const pageSize = 500

/**
 * Pulls Plaid's transfer events from the stored cursor and applies each once, in event order
 * (plaid.md §5). Each page is one transaction: events, their effects and the cursor commit
 * together. One sync runs at a time per process; a call during a run gets one more run after
 * it, so events announced by a webhook mid-run are not left waiting for the next trigger.
 */
export function createTransferSync(deps: PurchaseDeps): () => Promise<TransferSyncResult> {
  let running: Promise<TransferSyncResult> | null = null
  let queued: Promise<TransferSyncResult> | null = null

  return function syncTransfers(): Promise<TransferSyncResult> {
    if (!running) {
      running = pullEvents(deps).finally(() => {
        running = null
      })
      return running
    }
    queued ??= running
      .catch(() => undefined)
      .then(() => {
        queued = null
        return syncTransfers()
      })

    return queued
  }
}

async function pullEvents(deps: PurchaseDeps): Promise<TransferSyncResult> {
  const log = deps.log.child({ task: 'transfer-sync' })
  const result: TransferSyncResult = { pages: 0, stored: 0, moved: 0 }

  for (;;) {
    const cursor = await readCursor(deps)
    const page = await callPlaid(() =>
      deps.plaid.transferEventSync({ after_id: cursor, count: pageSize }),
    )
    const events = page.transfer_events.toSorted((a, b) => a.event_id - b.event_id)
    result.pages += 1
    if (events.length > 0) {
      const ctx = outcomeContextOf(deps)
      const counts = await deps.database.write((tx) => storeEvents(tx, ctx, log, events))
      result.stored += counts.stored
      result.moved += counts.moved
    }
    if (!page.has_more || events.length === 0) break
  }

  if (result.stored > 0) log.info('transfer events synced', { ...result })

  return result
}

async function readCursor(deps: PurchaseDeps): Promise<number> {
  const row = await deps.database.db.query.transferSyncCursor.findFirst({
    where: eq(transferSyncCursor.id, 1),
  })

  return row?.lastEventId ?? 0
}

/** Stores a page of events, applies the new ones and moves the cursor, in one transaction. */
async function storeEvents(
  tx: Tx,
  ctx: OutcomeContext,
  log: Logger,
  events: TransferEvent[],
): Promise<{ stored: number; moved: number }> {
  let stored = 0
  let moved = 0
  for (const event of events) {
    const [inserted] = await tx
      .insert(transferEvents)
      .values({
        eventId: event.event_id,
        transferId: event.transfer_id,
        eventType: event.event_type,
        payload: JSON.stringify(event),
        receivedAt: ctx.now,
        // Ledger sweeps carry no transfer and move no purchase.
        appliedAt: event.transfer_id === '' ? ctx.now : null,
      })
      .onConflictDoNothing({ target: transferEvents.eventId })
      .returning({ eventId: transferEvents.eventId })
    if (!inserted) continue
    stored += 1
    if (event.transfer_id === '') continue

    const purchase = await tx.query.purchases.findFirst({
      where: eq(purchases.transferId, event.transfer_id),
    })
    // A maturity payout's ACH credit: its events move the payout (api/src/maturities).
    const payout = purchase ? null : await findPayoutByTransfer(tx, event.transfer_id)
    if (payout) {
      if (await applyPayoutEvent(tx, ctx, payout, event, log)) moved += 1
      continue
    }
    if (!purchase) {
      // Kept unapplied: linkTransfer or linkPayoutTransfer applies it once a row holds the id.
      log.info('transfer event for a transfer no purchase holds', {
        eventId: event.event_id,
        eventType: event.event_type,
        transferId: event.transfer_id,
      })
      continue
    }
    if (await applyTransferEvent(tx, ctx, purchase, event, log)) moved += 1
  }

  const last = events.at(-1)?.event_id ?? 0
  await tx
    .insert(transferSyncCursor)
    .values({ id: 1, lastEventId: last, updatedAt: ctx.now })
    .onConflictDoUpdate({
      target: transferSyncCursor.id,
      // Never backwards: another process may have moved it further meanwhile.
      set: {
        lastEventId: sql`max(${transferSyncCursor.lastEventId}, excluded.last_event_id)`,
        updatedAt: ctx.now,
      },
    })

  return { stored, moved }
}
