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
  /** Real time; defaults to `clock` (tests move one manual clock for both). */
  wallClock?: Clock
}): AppDeps {
  const plaid = createPlaidClient(input.env.plaid)
  const wallClock = input.wallClock ?? input.clock
  const now = () => input.clock.now()
  const syncTransfers = createTransferSync({ ...input, wallClock, plaid })
  return {
    ...input,
    wallClock,
    plaid,
    // Plaid signs webhooks with real time.
    verifyWebhook: createWebhookVerifier(plaid, () => wallClock.now()),
    processWebhooks: createWebhookProcessor({ ...input, plaid, now, syncTransfers }),
    syncTransfers,
  }
}
