import type { Logger } from '@tenor/db/logger'
import { callPlaid, toPlaidFailure } from '../plaid/errors.ts'
import type { PurchaseDeps } from '../purchases/deps.ts'
import type { FundingSource } from '../purchases/funding.ts'
import { outcomeContextOf } from '../purchases/outcomes.ts'
import { linkPayoutTransfer } from './payout-link.ts'
import { findPayout, movePayout, nextAttemptKey, type PayoutRow, writeRetrying } from './records.ts'
import type { SendOutcome } from './send.ts'

/** The ACH entry description on the investor's statement (Plaid allows 10 characters). */
export const payoutDescription = 'TENOR PAY'

/**
 * Phase two of a payout: the credit from a stored authorization. A resumed payout (its
 * authorization stored by an earlier run) first asks `/transfer/get` by authorization id, as
 * the earlier run may have made the transfer and lost the answer; only a 404 leads to a create.
 */
export async function createCredit(
  deps: PurchaseDeps,
  input: {
    payout: PayoutRow
    authorizationId: string
    destination: FundingSource
    resumed: boolean
    log: Logger
  },
): Promise<SendOutcome> {
  const { payout, authorizationId, log } = input
  if (input.resumed) {
    const existing = await findCreditOf(deps, authorizationId, log)
    if (existing === 'unknown') return 'waiting'
    if (existing) return link(deps, payout, authorizationId, existing, log)
  }

  try {
    const answer = await callPlaid(() =>
      deps.plaid.transferCreate({
        access_token: input.destination.accessToken,
        account_id: input.destination.plaidAccountId,
        authorization_id: authorizationId,
        description: payoutDescription,
        metadata: { payout_id: payout.id, purchase_id: payout.purchaseId },
      }),
    )
    return link(deps, payout, authorizationId, answer.transfer.id, log)
  } catch (error) {
    const failure = toPlaidFailure(error)
    if (failure.transient) {
      log.warn('plaid did not answer the payout transfer; the next run checks for it', {
        payoutId: payout.id,
        code: failure.errorCode,
      })
      return 'waiting'
    }

    return abandonAuthorization(deps, payout, authorizationId, failure.errorCode, log)
  }
}

async function link(
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
  const existing = await findCreditOf(deps, authorizationId, log)
  if (existing === 'unknown') return 'waiting'
  if (existing) return link(deps, payout, authorizationId, existing, log)

  log.error('payout authorization given up; the payout starts again', {
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

/** The credit made from an authorization; null when Plaid says none; 'unknown' if unsure. */
async function findCreditOf(
  deps: PurchaseDeps,
  authorizationId: string,
  log: Logger,
): Promise<string | null | 'unknown'> {
  try {
    const answer = await callPlaid(() =>
      deps.plaid.transferGet({ authorization_id: authorizationId }),
    )
    return answer.transfer.id
  } catch (error) {
    const failure = toPlaidFailure(error)
    if (failure.errorCode === 'NOT_FOUND') return null

    log.warn('could not look up a payout transfer; the next run asks again', {
      code: failure.errorCode,
    })
    return 'unknown'
  }
}
