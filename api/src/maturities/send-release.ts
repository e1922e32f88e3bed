import type { Logger } from '@tenor/db/logger'
import { findTransferOfAuthorization } from '../plaid/transfer-lookup.ts'
import type { PurchaseDeps } from '../purchases/deps.ts'
import { outcomeContextOf } from '../purchases/outcomes.ts'
import { linkPayoutTransfer } from './payout-link.ts'
import { findPayout, movePayout, nextAttemptKey, type PayoutRow, writeRetrying } from './records.ts'
import type { SendOutcome } from './send.ts'

/** Stores the credit an authorization made: the payout becomes `pending`. */
export async function linkCredit(
  deps: PurchaseDeps,
  payout: PayoutRow,
  authorizationId: string,
  transferId: string,
  log: Logger,
): Promise<SendOutcome> {
  const ctx = outcomeContextOf(deps)
  await writeRetrying(deps.database, (tx) =>
    linkPayoutTransfer(tx, ctx, { payoutId: payout.id, authorizationId, transferId, log }),
  )

  return 'sent'
}

/**
 * Gives up an authorization that cannot make a transfer: Plaid refused one (it expired, say),
 * or the account can no longer receive money. Only once Plaid confirms no transfer came of it
 * does the payout drop it and move to the next attempt's key; 'refused' says it did.
 */
export async function abandonAuthorization(
  deps: PurchaseDeps,
  payout: PayoutRow,
  authorizationId: string,
  code: string,
  log: Logger,
): Promise<SendOutcome> {
  const existing = await findTransferOfAuthorization(deps.plaid, authorizationId, log)
  if (existing === 'unknown') return 'waiting'
  if (existing) return linkCredit(deps, payout, authorizationId, existing, log)

  // What follows (a new attempt, or holding the money) is the caller's, and logged there.
  log.warn('payout authorization given up; Plaid made no credit from it', {
    payoutId: payout.id,
    code,
  })
  const now = deps.clock.now()
  await writeRetrying(deps.database, async (tx) => {
    const current = await findPayout(tx, payout.id)
    if (current?.state !== 'initiated' || current.authorizationId !== authorizationId) return
    await movePayout(tx, current, 'initiated', now, {
      idempotencyKey: nextAttemptKey(current.idempotencyKey),
      authorizationId: null,
      failureCode: code,
      failureReason: 'Plaid refused the transfer; it is being authorized again.',
    })
  })

  return 'refused'
}
