import type { Clock, Database } from '@tenor/db'
import type { Env } from '@tenor/db/env'
import type { Logger } from '@tenor/db/logger'
import type { PlaidApi } from 'plaid'
import type { WebhookVerifier } from './plaid/webhook-verification.ts'
import type { TransferSyncResult } from './purchases/transfer-sync.ts'

/** What the API is built from. Tests build their own; `server.ts` builds the real one. */
export interface AppDeps {
  env: Env
  database: Database
  log: Logger
  /** Business time: maturities, accrual, business dates. Movable in development. */
  clock: Clock
  /**
   * Real time, never moved: sessions, sign-in codes, emailed links and rate limits. Equal to
   * `clock` except in development, where moving the demo clock must not sign everybody out.
   */
  wallClock: Clock
  plaid: PlaidApi
  verifyWebhook: WebhookVerifier
  /** Applies stored webhooks; the API calls it after acknowledging one, the worker as a fallback. */
  processWebhooks: () => Promise<number>
  /** Pulls Plaid transfer events and applies them to purchases; one run at a time. */
  syncTransfers: () => Promise<TransferSyncResult>
}

export interface SessionUser {
  id: string
  email: string
  legalName: string
  role: 'investor' | 'admin'
  emailVerified: boolean
  kycStatus: 'none' | 'submitted' | 'approved' | 'rejected'
  twoFactorEnabled: boolean
}

export interface CurrentSession {
  id: string
  twoFactorVerified: boolean
  expiresAt: Date
}

export type AppEnv = {
  Variables: {
    requestId: string
    log: Logger
    user: SessionUser | null
    session: CurrentSession | null
  }
}

/** Routes behind `requireUser`: the user and session are known. */
export type AuthedEnv = {
  Variables: AppEnv['Variables'] & {
    user: SessionUser
    session: CurrentSession
  }
}
