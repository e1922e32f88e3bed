import type { Env } from '@tenor/db/env'
import { Configuration, PlaidApi } from 'plaid'

/**
 * The official SDK, pointed at Plaid or (PLAID_ENV=local) at the local stand-in through its
 * basePath. Nothing else in the application knows which one it talks to.
 */
export function createPlaidClient(config: Env['plaid']): PlaidApi {
  return new PlaidApi(
    new Configuration({
      basePath: config.basePath,
      baseOptions: {
        headers: {
          'PLAID-CLIENT-ID': config.clientId,
          'PLAID-SECRET': config.secret,
          'Plaid-Version': '2020-09-14',
        },
        timeout: 20_000,
      },
    }),
  )
}
