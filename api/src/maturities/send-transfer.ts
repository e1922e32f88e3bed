import type { Logger } from '@tenor/db/logger'
import { callPlaid, toPlaidFailure } from '../plaid/errors.ts'
import { scopeOfRefusal } from '../plaid/refusals.ts'
import { findTransferOfAuthorization } from '../plaid/transfer-lookup.ts'
import type { PurchaseDeps } from '../purchases/deps.ts'
import type { FundingSource } from '../purchases/funding.ts'
import type { PayoutRow } from './records.ts'
import type { SendOutcome } from './send.ts'
import { holdRefused } from './send-destination.ts'
import { abandonAuthorization, linkCredit } from './send-release.ts'

/** The ACH entry description on the investor's statement (Plaid allows 10 characters). */
export const payoutDescription = 'TENOR PAY'

/**
 * Phase two of a payout: the credit from a stored authorization. A resumed payout (its
 * authorization stored by an earlier run) first asks `/transfer/get` by authorization id, as
 * the earlier run may have made the transfer and lost the answer; only a 404 leads to a create.
 * A refusal permanent for the account or its connection gives the authorization up and holds
 * the money; any other refusal gives it up for a new one on the next run.
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
    const existing = await findTransferOfAuthorization(deps.plaid, authorizationId, log)
    if (existing === 'unknown') return 'waiting'
    if (existing) return linkCredit(deps, payout, authorizationId, existing, log)
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
    return linkCredit(deps, payout, authorizationId, answer.transfer.id, log)
  } catch (error) {
    const failure = toPlaidFailure(error)
    const scope = scopeOfRefusal(failure)
    if (scope === 'transient') {
      log.warn('plaid did not answer the payout transfer; the next run checks for it', {
        payoutId: payout.id,
        code: failure.errorCode,
      })
      return 'waiting'
    }
    if (scope === 'ours') {
      return abandonAuthorization(deps, payout, authorizationId, failure.errorCode, log)
    }

    const { destination } = input
    return holdRefused(deps, { payout: { ...payout, authorizationId }, destination, failure }, log)
  }
}
