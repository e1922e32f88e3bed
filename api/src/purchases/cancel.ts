import { purchases } from '@tenor/db/schema'
import { and, eq } from 'drizzle-orm'
import { TransferStatus } from 'plaid'
import { ApiError, notFound } from '../lib/errors.ts'
import { callPlaid, plaidApiError, toPlaidFailure } from '../plaid/errors.ts'
import type { PurchaseDeps } from './deps.ts'
import { applyPurchaseOutcome, outcomeContextOf } from './outcomes.ts'
import { cancelledReason } from './reasons.ts'
import { findPurchase } from './records.ts'

const notCancellable = (message: string) => new ApiError(409, 'not_cancellable', message)

/**
 * Cancels the caller's purchase while its transfer is still cancellable: Plaid first (no
 * transaction is open), then the same outcome path a `cancelled` event takes, which releases
 * capacity and reverses the ledger once. The later `cancelled` event changes nothing.
 */
export async function cancelPurchase(
  deps: PurchaseDeps,
  userId: string,
  purchaseId: string,
): Promise<void> {
  const purchase = await deps.database.db.query.purchases.findFirst({
    where: and(eq(purchases.id, purchaseId), eq(purchases.userId, userId)),
  })
  if (!purchase) throw notFound('purchase')
  if (purchase.state === 'initiated') {
    throw notCancellable('This purchase is still being set up with your bank. Try again shortly.')
  }
  if (purchase.state !== 'pending' || purchase.transferId === null) {
    throw notCancellable('This purchase can no longer be cancelled.')
  }

  if (!(await cancelPendingPurchase(deps, purchase, 'cancelled by the investor'))) {
    throw notCancellable(
      'The bank transfer has already been sent, so this purchase can no longer be cancelled.',
    )
  }
}

/**
 * Cancels a pending purchase's transfer at Plaid and, if Plaid agrees, applies the cancellation;
 * false when the transfer had already gone out. Used by investors, and by an approved refund or
 * offering cancellation, which tell the investor so (`investorReason`, the page and the email).
 */
export async function cancelPendingPurchase(
  deps: PurchaseDeps,
  purchase: { id: string; transferId: string | null },
  reason: string,
  investorReason: string = cancelledReason,
): Promise<boolean> {
  if (purchase.transferId === null) return false
  if (!(await cancelTransfer(deps, purchase.transferId))) return false

  const ctx = outcomeContextOf(deps)
  await deps.database.write(async (tx) => {
    const current = await findPurchase(tx, purchase.id)
    if (!current) return
    await applyPurchaseOutcome(tx, ctx, current, {
      state: 'cancelled',
      at: ctx.now,
      reason,
      failureReason: investorReason,
    })
  })
  return true
}

/**
 * Asks Plaid to cancel, once: a cancel is not safe to repeat blindly. A refusal as not
 * cancellable may mean an earlier cancel worked (its reply was lost), so the transfer is read.
 */
async function cancelTransfer(deps: PurchaseDeps, transferId: string): Promise<boolean> {
  try {
    await deps.plaid.transferCancel({ transfer_id: transferId })
    return true
  } catch (error) {
    const failure = toPlaidFailure(error)
    if (failure.errorCode !== 'TRANSFER_NOT_CANCELLABLE') throw plaidApiError(failure)
  }

  try {
    const { transfer } = await callPlaid(() => deps.plaid.transferGet({ transfer_id: transferId }))
    return transfer.status === TransferStatus.Cancelled
  } catch (error) {
    throw plaidApiError(toPlaidFailure(error))
  }
}
