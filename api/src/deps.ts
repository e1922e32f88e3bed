import type { Clock, Database } from '@tenor/db'
import type { Env } from '@tenor/db/env'
import type { Logger } from '@tenor/db/logger'
import type { AppDeps } from './context.ts'
import { createPlaidClient } from './plaid/client.ts'
import { createWebhookVerifier } from './plaid/webhook-verification.ts'
import { createWebhookProcessor } from './plaid/webhooks.ts'
import { createTransferSync } from './purchases/transfer-sync.ts'

/** Wires the services every entry point (API server, worker, tests) builds the same way. */
export function createDeps(input: {
  env: Env
  database: Database
  log: Logger
  clock: Clock
}): AppDeps {
  const plaid = createPlaidClient(input.env.plaid)
  const now = () => input.clock.now()
  const syncTransfers = createTransferSync({ ...input, plaid })
  return {
    ...input,
    plaid,
    verifyWebhook: createWebhookVerifier(plaid, now),
    processWebhooks: createWebhookProcessor({ ...input, plaid, now, syncTransfers }),
    syncTransfers,
  }
}
