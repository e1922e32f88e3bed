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
  /** Business time: movable in development to walk notes through their life. */
  clock: Clock
  /** Real time, for what must not move with the demo clock: idempotency keys' lifetimes. */
  wallClock: Clock
}
