import type { Tx } from '@tenor/db'
import type { Logger } from '@tenor/db/logger'
import { transferEvents } from '@tenor/db/schema'
import { and, asc, eq, isNull } from 'drizzle-orm'
import type { OutcomeContext } from '../purchases/outcomes.ts'
import { transferEventFields } from '../purchases/transfer-events.ts'
import { applyPayoutEvent } from './payout-events.ts'
import { findPayout, movePayout } from './records.ts'

/**
 * Records the credit Plaid made from a payout's authorization: the payout becomes `pending`
 * with its transfer id, and the transfer's events already stored by a sync that ran first (a
 * webhook can outrun `/transfer/create`'s answer) are applied in order, in the same
 * transaction. Answers false if the payout had moved on or changed authorization.
 */
export async function linkPayoutTransfer(
  tx: Tx,
  ctx: OutcomeContext,
  input: { payoutId: string; authorizationId: string; transferId: string; log: Logger },
): Promise<boolean> {
  const payout = await findPayout(tx, input.payoutId)
  if (!payout) return false
  if (payout.transferId === input.transferId) return false
  if (payout.state !== 'initiated' || payout.authorizationId !== input.authorizationId) {
    // Only a superseded authorization can get here, and Plaid made a transfer from it anyway.
    input.log.error('payout credit made from an authorization the payout no longer holds', {
      payoutId: payout.id,
      transferId: input.transferId,
    })
    return false
  }

  const moved = await movePayout(tx, payout, 'pending', ctx.now, {
    transferId: input.transferId,
    failureCode: null,
    failureReason: null,
  })
  if (!moved) return false

  const waiting = await tx
    .select({ payload: transferEvents.payload })
    .from(transferEvents)
    .where(and(eq(transferEvents.transferId, input.transferId), isNull(transferEvents.appliedAt)))
    .orderBy(asc(transferEvents.eventId))
  for (const row of waiting) {
    const current = await findPayout(tx, payout.id)
    if (!current) break
    const event = transferEventFields.parse(JSON.parse(row.payload))
    await applyPayoutEvent(tx, ctx, current, event, input.log)
  }

  return true
}
