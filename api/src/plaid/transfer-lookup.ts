import type { Logger } from '@tenor/db/logger'
import type { PlaidApi } from 'plaid'
import { callPlaid, toPlaidFailure } from './errors.ts'

/**
 * The transfer Plaid made from an authorization: its id, null when Plaid says none was made,
 * or 'unknown' when Plaid did not answer (the caller asks again later).
 */
export async function findTransferOfAuthorization(
  plaid: PlaidApi,
  authorizationId: string,
  log: Logger,
): Promise<string | null | 'unknown'> {
  try {
    const answer = await callPlaid(() => plaid.transferGet({ authorization_id: authorizationId }))
    return answer.transfer.id
  } catch (error) {
    const failure = toPlaidFailure(error)
    if (failure.errorCode === 'NOT_FOUND') return null

    log.warn('could not look up the transfer of an authorization; asking again later', {
      code: failure.errorCode,
    })
    return 'unknown'
  }
}
