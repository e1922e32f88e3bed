import type { Handler } from './context.ts'
import {
  fireItemWebhook,
  getAccounts,
  getIdentity,
  getItem,
  removeItem,
  resetItemLogin,
  updateItemWebhook,
} from './items.ts'
import { getVerificationKey } from './keys.ts'
import { depositToLedger, getLedger, syncTransferEvents } from './ledger.ts'
import { createLinkToken, createSandboxPublicToken, exchangePublicToken } from './link.ts'
import { createAuthorization } from './transfer-authorization.ts'
import { fireTransferWebhook, simulateTransfer } from './transfer-lifecycle.ts'
import { cancelTransfer, createTransfer, getTransfer } from './transfers.ts'

/** Every Plaid endpoint the stand-in answers; all are POST with a JSON body, as at Plaid. */
export const plaidRoutes: Record<string, Handler> = {
  '/link/token/create': createLinkToken,
  '/sandbox/public_token/create': createSandboxPublicToken,
  '/item/public_token/exchange': exchangePublicToken,
  '/item/get': getItem,
  '/item/remove': removeItem,
  '/item/webhook/update': updateItemWebhook,
  '/accounts/get': getAccounts,
  '/accounts/balance/get': getAccounts,
  '/identity/get': getIdentity,
  '/webhook_verification_key/get': getVerificationKey,
  '/sandbox/item/reset_login': resetItemLogin,
  '/sandbox/item/fire_webhook': fireItemWebhook,
  '/transfer/authorization/create': createAuthorization,
  '/transfer/create': createTransfer,
  '/transfer/get': getTransfer,
  '/transfer/cancel': cancelTransfer,
  '/transfer/event/sync': syncTransferEvents,
  '/transfer/ledger/get': getLedger,
  '/transfer/ledger/deposit': depositToLedger,
  '/sandbox/transfer/simulate': simulateTransfer,
  '/sandbox/transfer/fire_webhook': fireTransferWebhook,
}

/** Paths that only read; every other call saves the state file afterwards. */
export const readOnlyPaths = new Set([
  '/item/get',
  '/accounts/get',
  '/accounts/balance/get',
  '/identity/get',
  '/webhook_verification_key/get',
  '/transfer/get',
  '/transfer/event/sync',
  '/transfer/ledger/get',
])
