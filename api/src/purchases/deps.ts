import type { Clock, Database } from '@tenor/db'
import type { Env } from '@tenor/db/env'
import type { Logger } from '@tenor/db/logger'
import type { PlaidApi } from 'plaid'

/** What purchase services are built from; `AppDeps` satisfies it. */
export interface PurchaseDeps {
  database: Database
  plaid: PlaidApi
  env: Env
  log: Logger
  clock: Clock
}
