import {
  type AccountBase,
  type AccountIdentity,
  type AccountsGetResponse,
  SandboxItemFireWebhookRequestWebhookCodeEnum as Code,
  type IdentityGetResponse,
  type ItemGetResponse,
  type ItemRemoveResponse,
  type ItemWebhookUpdateResponse,
  type Owner,
  type SandboxItemFireWebhookResponse,
  type SandboxItemResetLoginResponse,
  WebhookEnvironmentValues,
  WebhookType,
  type WebhookUpdateAcknowledgedWebhook,
} from 'plaid'
import type { Handler } from './context.ts'
import { invalidInput, sandboxError } from './errors.ts'
import {
  readEnum,
  readOptionalEnum,
  readOptionalObject,
  readOptionalStringArray,
  requireFields,
} from './fields.ts'
import {
  assertItemHealthy,
  breakItemLogin,
  findItem,
  itemWebhook,
  toItem,
  toItemWithConsent,
} from './item-records.ts'
import { fireSandboxWebhook } from './item-webhooks.ts'
import { readWebhookUrl } from './link.ts'
import type { ItemRecord } from './state.ts'

const environment = WebhookEnvironmentValues.Sandbox

export const getItem: Handler = ({ body, state, requestId }) => {
  requireFields(body, ['access_token'])
  const item = findItem(state, body)

  return {
    body: { item: toItemWithConsent(item), request_id: requestId } satisfies ItemGetResponse,
  }
}

export const removeItem: Handler = ({ body, state, requestId }) => {
  requireFields(body, ['access_token'])
  findItem(state, body).removed = true

  return { body: { request_id: requestId } satisfies ItemRemoveResponse }
}

export const updateItemWebhook: Handler = ({ body, state, requestId }) => {
  requireFields(body, ['access_token'])
  const item = findItem(state, body)
  item.webhook = readWebhookUrl(body)
  const acknowledged = {
    webhook_type: 'ITEM',
    webhook_code: 'WEBHOOK_UPDATE_ACKNOWLEDGED',
    item_id: item.itemId,
    new_webhook_url: item.webhook ?? '',
    error: null,
    environment,
  } satisfies WebhookUpdateAcknowledgedWebhook

  return {
    body: { item: toItem(item), request_id: requestId } satisfies ItemWebhookUpdateResponse,
    webhooks: itemWebhook(item, acknowledged),
  }
}

export const getAccounts: Handler = ({ body, state, requestId }) => {
  requireFields(body, ['access_token'])
  const item = findItem(state, body)
  assertItemHealthy(item)

  return {
    body: {
      accounts: selectAccounts(item, readOptionalObject(body, 'options')),
      item: toItem(item),
      request_id: requestId,
    } satisfies AccountsGetResponse,
  }
}

export const getIdentity: Handler = ({ body, state, requestId }) => {
  requireFields(body, ['access_token'])
  const item = findItem(state, body)
  assertItemHealthy(item)
  const accounts = selectAccounts(item, readOptionalObject(body, 'options'))

  return {
    body: {
      accounts: accounts.map((account) => toIdentityAccount(account, item.owners)),
      item: toItem(item),
      request_id: requestId,
    } satisfies IdentityGetResponse,
  }
}

export const resetItemLogin: Handler = ({ body, state, requestId }) => {
  requireFields(body, ['access_token'])
  const item = findItem(state, body)

  return {
    body: { reset_login: true, request_id: requestId } satisfies SandboxItemResetLoginResponse,
    webhooks: breakItemLogin(item),
  }
}

export const fireItemWebhook: Handler = ({ body, state, now, requestId }) => {
  requireFields(body, ['access_token', 'webhook_code'])
  const item = findItem(state, body)
  const code = readEnum(body, 'webhook_code', Code)
  const type = readOptionalEnum(body, 'webhook_type', WebhookType) ?? WebhookType.Transactions
  if (!item.webhook) {
    throw sandboxError(
      'SANDBOX_WEBHOOK_INVALID',
      "Webhook for this item is either not set up, or invalid. Please update the item's webhook and try again.",
    )
  }

  return {
    body: { webhook_fired: true, request_id: requestId } satisfies SandboxItemFireWebhookResponse,
    webhooks: fireSandboxWebhook(item, code, type, now),
  }
}

function selectAccounts(item: ItemRecord, options: Record<string, unknown> | null) {
  const wanted = options ? readOptionalStringArray(options, 'account_ids') : null
  if (!wanted) return item.accounts

  const known = new Set(item.accounts.map((account) => account.account_id))
  if (wanted.some((accountId) => !known.has(accountId))) {
    throw invalidInput('INVALID_ACCOUNT_ID', 'one or more of the account IDs is invalid')
  }

  return item.accounts.filter((account) => wanted.includes(account.account_id))
}

// The SDK types verification_status differently for the two shapes, so fields are listed.
function toIdentityAccount(account: AccountBase, owners: Owner[]): AccountIdentity {
  return {
    account_id: account.account_id,
    balances: account.balances,
    holder_category: account.holder_category ?? null,
    mask: account.mask,
    name: account.name,
    official_name: account.official_name,
    owners,
    subtype: account.subtype,
    type: account.type,
  }
}
