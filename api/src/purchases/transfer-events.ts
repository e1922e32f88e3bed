import type { Tx } from '@tenor/db'
import { stateForTransferEvent } from '@tenor/db/domain'
import type { Logger } from '@tenor/db/logger'
import { transferEvents } from '@tenor/db/schema'
import { and, asc, eq, isNull } from 'drizzle-orm'
import { z } from 'zod'
import type { PurchaseDeps } from './deps.ts'
import {
  applyPurchaseOutcome,
  markAccountForLateReturn,
  type OutcomeContext,
  outcomeContextOf,
} from './outcomes.ts'
import { describeFailure, describeReturn } from './reasons.ts'
import { findPurchase, movePurchase, type PurchaseRow } from './records.ts'

/** The fields of a Plaid transfer event that decide what it does to a purchase. */
export const transferEventFields = z.object({
  event_id: z.number().int(),
  event_type: z.string(),
  transfer_id: z.string(),
  timestamp: z.string(),
  failure_reason: z
    .object({
      failure_code: z.string().nullish(),
      ach_return_code: z.string().nullish(),
      description: z.string().nullish(),
    })
    .nullish(),
})
export type TransferEventFields = z.infer<typeof transferEventFields>

/** An event's failure or return code as Plaid writes codes (upper case); an empty one is none. */
export function failureCodeOf(event: TransferEventFields): string | null {
  return (
    [event.failure_reason?.failure_code, event.failure_reason?.ach_return_code]
      .map((given) => given?.trim().toUpperCase())
      .find((given) => given) ?? null
  )
}

/**
 * Applies one stored event to its purchase and marks it applied, whatever the outcome. A return
 * on a matured or paid note is not undone automatically: the money has gone back out, so a
 * person decides (docs/decisions/0004-purchases.md); it is logged as an error for them.
 */
export async function applyTransferEvent(
  tx: Tx,
  ctx: OutcomeContext,
  purchase: PurchaseRow,
  event: TransferEventFields,
  log?: Logger,
): Promise<boolean> {
  const state = stateForTransferEvent(event.event_type)
  const code = failureCodeOf(event)
  const failureReason =
    state === 'returned'
      ? describeReturn(code)
      : state === 'cancelled'
        ? 'The bank transfer was cancelled before any money moved.'
        : state === 'failed'
          ? describeFailure(code)
          : undefined
  const moved =
    state !== null &&
    (await applyPurchaseOutcome(tx, ctx, purchase, {
      state,
      at: ctx.eventTime(event.timestamp),
      reason: `transfer ${event.event_type}${code ? ` (${code})` : ''}`,
      failureCode: code,
      failureReason,
      transferEventId: event.event_id,
    }))

  if (state === 'returned' && (purchase.state === 'matured' || purchase.state === 'paid')) {
    await markAccountForLateReturn(tx, purchase, code)
    log?.error('transfer returned after maturity; needs review', {
      purchaseId: purchase.id,
      eventId: event.event_id,
      code,
    })
  }

  await tx
    .update(transferEvents)
    .set({ appliedAt: ctx.now, purchaseId: purchase.id })
    .where(eq(transferEvents.eventId, event.event_id))

  return moved
}

/**
 * Applies, in event order, the stored events of a transfer that arrived before its purchase
 * knew the transfer id: a webhook can outrun the answer of `/transfer/create`.
 */
async function applyWaitingEvents(
  tx: Tx,
  ctx: OutcomeContext,
  log: Logger,
  purchaseId: string,
  transferId: string,
): Promise<number> {
  const waiting = await tx
    .select({ payload: transferEvents.payload })
    .from(transferEvents)
    .where(and(eq(transferEvents.transferId, transferId), isNull(transferEvents.appliedAt)))
    .orderBy(asc(transferEvents.eventId))
  for (const row of waiting) {
    const purchase = await findPurchase(tx, purchaseId)
    if (!purchase) break
    const event = transferEventFields.parse(JSON.parse(row.payload))
    await applyTransferEvent(tx, ctx, purchase, event, log)
  }

  return waiting.length
}

/**
 * Records the transfer Plaid made for an initiated purchase: the purchase becomes pending, and
 * any of the transfer's events already stored are applied in the same transaction.
 */
export async function linkTransfer(
  deps: PurchaseDeps,
  purchaseId: string,
  transferId: string,
  log: Logger = deps.log,
): Promise<void> {
  const ctx = outcomeContextOf(deps)
  await deps.database.write(async (tx) => {
    const purchase = await findPurchase(tx, purchaseId)
    if (purchase?.state !== 'initiated') {
      // The same transfer again is a retry. Another one is money moving for a purchase that no
      // longer waits for it (one already paid, failed or cancelled): a person must look.
      if (purchase && purchase.transferId !== transferId) {
        log.error('a transfer was made for a purchase that no longer waits for one; needs review', {
          purchaseId,
          transferId,
          state: purchase.state,
        })
      }
      return
    }

    const moved = await movePurchase(tx, purchase, 'pending', {
      reason: 'transfer created',
      now: ctx.now,
      changes: { transferId },
    })
    if (!moved) return

    const applied = await applyWaitingEvents(tx, ctx, log, purchaseId, transferId)
    if (applied > 0) log.info('applied transfer events that arrived first', { purchaseId, applied })
  })
}
