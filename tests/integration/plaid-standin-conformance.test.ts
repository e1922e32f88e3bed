import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { loadPlaidSchemas, type PlaidSchemas } from '../standins/plaid/openapi.ts'
import {
  startTestStandIn,
  startWebhookReceiver,
  type TestStandIn,
  type WebhookReceiver,
} from '../standins/plaid/testing.ts'

// Plaid's OpenAPI file lives beside the checkout (shared/), never inside the repo.
const repoRoot = resolve(import.meta.dir, '../..')
const specPath = resolve(repoRoot, '../shared/plaid/2020-09-14.yml')
const specPresent = existsSync(specPath)
if (!specPresent) {
  console.warn(`SKIPPED plaid stand-in conformance: ${specPath} is absent`)
}

type Json = Record<string, unknown> & { error_code?: string }

const webhookSchemas: Record<string, string> = {
  ERROR: 'ItemErrorWebhook',
  WEBHOOK_UPDATE_ACKNOWLEDGED: 'WebhookUpdateAcknowledgedWebhook',
  NEW_ACCOUNTS_AVAILABLE: 'NewAccountsAvailableWebhook',
  PENDING_DISCONNECT: 'PendingDisconnectWebhook',
  USER_PERMISSION_REVOKED: 'UserPermissionRevokedWebhook',
  USER_ACCOUNT_REVOKED: 'UserAccountRevokedWebhook',
  LOGIN_REPAIRED: 'ItemLoginRepairedWebhook',
  SYNC_UPDATES_AVAILABLE: 'SyncUpdatesAvailableWebhook',
  DEFAULT_UPDATE: 'DefaultUpdateWebhook',
  TRANSFER_EVENTS_UPDATE: 'TransferEventsUpdateWebhook',
}

describe.skipIf(!specPresent)("responses match Plaid's OpenAPI 2020-09-14 schemas", () => {
  let schemas: PlaidSchemas
  let t: TestStandIn
  let receiver: WebhookReceiver

  beforeAll(async () => {
    schemas = loadPlaidSchemas(specPath)
    receiver = startWebhookReceiver()
    t = await startTestStandIn({ transferWebhookUrl: receiver.url })
  })
  afterAll(async () => {
    await t.close()
    await receiver.stop()
  })

  async function call(path: string, body: object): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${t.standIn.url}${path}`, {
      method: 'POST',
      headers: { 'PLAID-CLIENT-ID': 'conformance', 'PLAID-SECRET': 'conformance' },
      body: JSON.stringify(body),
    })
    return { status: response.status, body: (await response.json()) as Json }
  }

  /** Calls a path, expects a 200 and checks the body against the path's own response schema. */
  async function conforming(path: string, body: object): Promise<Json> {
    const answer = await call(path, body)
    expect({ path, status: answer.status, error: answer.body.error_code }).toEqual({
      path,
      status: 200,
      error: undefined,
    })
    expect(schemas.check(schemas.responseSchemaOf(path), answer.body)).toEqual([])
    return answer.body
  }

  async function conformingError(path: string, body: object, code: string): Promise<void> {
    const answer = await call(path, body)
    expect(answer.body.error_code).toBe(code)
    expect(schemas.check('PlaidError', answer.body)).toEqual([])
  }

  async function linkItem(webhook: string | null) {
    const created = await conforming('/sandbox/public_token/create', {
      institution_id: 'ins_109508',
      initial_products: ['transfer'],
      options: webhook ? { webhook } : {},
    })
    const exchanged = await conforming('/item/public_token/exchange', {
      public_token: created.public_token,
    })
    const accessToken = String(exchanged.access_token)
    const accounts = await conforming('/accounts/get', { access_token: accessToken })
    const [checking] = accounts.accounts as { account_id: string }[]

    return { accessToken, accountId: checking?.account_id ?? '' }
  }

  function authorization(accessToken: string, accountId: string, type: string, amount: string) {
    return conforming('/transfer/authorization/create', {
      access_token: accessToken,
      account_id: accountId,
      type,
      network: 'ach',
      ach_class: type === 'debit' ? 'web' : 'ppd',
      amount,
      user: { legal_name: 'Ada Lovelace', address: { street: '1 Main St', country: 'US' } },
    })
  }

  test('the checker refuses bodies that break a schema, so passing means something', async () => {
    const { accessToken, accountId } = await linkItem(null)
    const answer = await authorization(accessToken, accountId, 'debit', '10.00')
    const wrongDecision = {
      ...answer,
      authorization: { ...Object(answer.authorization), decision: 'maybe' },
    }
    const noRequestId = { ...answer, request_id: undefined }
    expect(schemas.check('TransferAuthorizationCreateResponse', wrongDecision)).not.toEqual([])
    expect(schemas.check('TransferAuthorizationCreateResponse', noRequestId)).not.toEqual([])
    expect(schemas.check('PlaidError', { error_code: 'X' })).not.toEqual([])

    const item = await conforming('/item/get', { access_token: accessToken })
    const webhookNumber = { ...item, item: { ...Object(item.item), webhook: 5 } }
    expect(schemas.check('ItemGetResponse', webhookNumber)).not.toEqual([])
  })

  test('Link, Item, account and identity answers', async () => {
    const link = { client_name: 'Tenor', language: 'en', country_codes: ['US'] }
    const user = { client_user_id: 'investor-1' }
    await conforming('/link/token/create', { ...link, user, products: ['transfer'] })
    const { accessToken } = await linkItem(receiver.url)
    await conforming('/link/token/create', { ...link, user, access_token: accessToken })
    await conforming('/item/get', { access_token: accessToken })
    await conforming('/accounts/balance/get', { access_token: accessToken })
    await conforming('/identity/get', { access_token: accessToken })
    await conforming('/item/webhook/update', { access_token: accessToken, webhook: receiver.url })
    await conforming('/sandbox/item/fire_webhook', {
      access_token: accessToken,
      webhook_code: 'NEW_ACCOUNTS_AVAILABLE',
    })
    await conforming('/sandbox/item/reset_login', { access_token: accessToken })
    await conforming('/item/get', { access_token: accessToken })
    await conforming('/item/remove', { access_token: accessToken })
  })

  test('Transfer, Ledger and event answers', async () => {
    const { accessToken, accountId } = await linkItem(null)
    await authorization(accessToken, accountId, 'debit', '99999.00')
    const credit = await authorization(accessToken, accountId, 'credit', '20.00')
    const debit = await authorization(accessToken, accountId, 'debit', '11.11')
    for (const approved of [credit, debit]) {
      const { id } = approved.authorization as { id: string }
      await conforming('/transfer/create', {
        access_token: accessToken,
        account_id: accountId,
        authorization_id: id,
        description: 'PAYMENT',
        metadata: { purchase_id: 'p-1' },
      })
    }
    const created = await conforming('/transfer/get', {
      authorization_id: (credit.authorization as { id: string }).id,
    })
    const transferId = (created.transfer as { id: string }).id
    await conforming('/sandbox/transfer/simulate', {
      transfer_id: transferId,
      event_type: 'posted',
    })
    await conforming('/sandbox/transfer/simulate', {
      transfer_id: transferId,
      event_type: 'returned',
      failure_reason: { failure_code: 'R01', description: 'Insufficient funds' },
    })
    await conforming('/transfer/get', { transfer_id: transferId })
    await conforming('/transfer/ledger/deposit', {
      amount: '100.00',
      idempotency_key: 'deposit-1',
      network: 'ach',
    })
    await conforming('/transfer/ledger/get', {})
    await conforming('/transfer/event/sync', { after_id: 0, count: 500 })
    await conforming('/sandbox/transfer/fire_webhook', { webhook: receiver.url })

    await conforming('/sandbox/item/reset_login', { access_token: accessToken })
    await authorization(accessToken, accountId, 'debit', '5.00')
  })

  test('error answers match PlaidError', async () => {
    const { accessToken } = await linkItem(null)
    await conformingError(
      '/item/get',
      { access_token: 'access-sandbox-nope' },
      'INVALID_ACCESS_TOKEN',
    )
    await conformingError('/transfer/get', { authorization_id: 'nope' }, 'NOT_FOUND')
    await conformingError(
      '/webhook_verification_key/get',
      { key_id: 'nope' },
      'INVALID_WEBHOOK_VERIFICATION_KEY_ID',
    )
    await conformingError('/transfer/event/sync', {}, 'MISSING_FIELDS')
    const created = await conforming('/sandbox/public_token/create', {
      institution_id: 'ins_109508',
      initial_products: ['transfer'],
    })
    await conforming('/item/public_token/exchange', { public_token: created.public_token })
    await conformingError(
      '/item/public_token/exchange',
      { public_token: created.public_token },
      'INVALID_PUBLIC_TOKEN',
    )
    await conforming('/sandbox/item/reset_login', { access_token: accessToken })
    await conformingError('/accounts/get', { access_token: accessToken }, 'ITEM_LOGIN_REQUIRED')
    const anonymous = await fetch(`${t.standIn.url}/item/get`, { method: 'POST', body: '{}' })
    expect(schemas.check('PlaidError', await anonymous.json())).toEqual([])
  })

  test('webhook bodies match the webhook schemas', async () => {
    receiver.received.length = 0
    const { accessToken } = await linkItem(receiver.url)
    await conforming('/item/webhook/update', { access_token: accessToken, webhook: receiver.url })
    const itemCodes = Object.keys(webhookSchemas).filter(
      (code) => code !== 'WEBHOOK_UPDATE_ACKNOWLEDGED' && code !== 'TRANSFER_EVENTS_UPDATE',
    )
    for (const webhook_code of itemCodes) {
      await conforming('/sandbox/item/fire_webhook', { access_token: accessToken, webhook_code })
    }
    await conforming('/sandbox/transfer/fire_webhook', { webhook: receiver.url })
    await t.standIn.settleWebhooks()

    const codes = receiver.received.map((webhook) => {
      const payload = JSON.parse(webhook.body) as { webhook_code: string }
      const schema = webhookSchemas[payload.webhook_code] ?? 'missing'
      expect(schemas.check(schema, payload)).toEqual([])
      return payload.webhook_code
    })
    expect(codes.sort()).toEqual(Object.keys(webhookSchemas).sort())
  })
})
