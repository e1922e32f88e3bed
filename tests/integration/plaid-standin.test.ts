import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import {
  Configuration,
  PlaidApi,
  Products,
  SandboxItemFireWebhookRequestWebhookCodeEnum,
} from 'plaid'
import {
  catchPlaidError,
  linkItem,
  startTestStandIn,
  startWebhookReceiver,
  type TestStandIn,
  type WebhookReceiver,
} from '../standins/plaid/testing.ts'

const uuid = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
let t: TestStandIn
let receiver: WebhookReceiver

beforeEach(async () => {
  t = await startTestStandIn()
  receiver = startWebhookReceiver()
})
afterEach(async () => {
  await t.close()
  await receiver.stop()
})

function bodies(): Record<string, unknown>[] {
  return receiver.received.map((webhook) => JSON.parse(webhook.body))
}

describe('transport', () => {
  test('refuses a call without credentials with 400 INVALID_API_KEYS and a request_id', async () => {
    const anonymous = new PlaidApi(new Configuration({ basePath: t.standIn.url }))
    const { status, data } = await catchPlaidError(
      anonymous.itemGet({ access_token: 'access-sandbox-x' }),
    )
    expect(status).toBe(400)
    expect(data).toMatchObject({
      error_type: 'INVALID_INPUT',
      error_code: 'INVALID_API_KEYS',
      display_message: null,
    })
    expect(data.request_id).toMatch(/^[0-9A-Za-z]{15}$/)
  })

  test('accepts credentials in the body instead of the headers', async () => {
    const response = await fetch(`${t.standIn.url}/link/token/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: 'id',
        secret: 'secret',
        client_name: 'Tenor',
        language: 'en',
        country_codes: ['US'],
        user: { client_user_id: 'user-1' },
        products: ['transfer'],
      }),
    })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({ link_token: expect.stringMatching(/^link-/) })
  })

  test('answers malformed JSON with INVALID_BODY and unknown paths with 404', async () => {
    const headers = { 'PLAID-CLIENT-ID': 'id', 'PLAID-SECRET': 'secret' }
    const broken = await fetch(`${t.standIn.url}/item/get`, { method: 'POST', headers, body: '{' })
    expect(broken.status).toBe(400)
    expect(await broken.json()).toMatchObject({ error_code: 'INVALID_BODY' })
    const unknown = await fetch(`${t.standIn.url}/nope`, { method: 'POST', headers, body: '{}' })
    expect(unknown.status).toBe(404)
  })

  test('lists every missing field in one MISSING_FIELDS error', async () => {
    const response = await fetch(`${t.standIn.url}/transfer/authorization/create`, {
      method: 'POST',
      headers: { 'PLAID-CLIENT-ID': 'id', 'PLAID-SECRET': 'secret' },
      body: JSON.stringify({ access_token: 'access-sandbox-x' }),
    })
    expect(await response.json()).toMatchObject({
      error_code: 'MISSING_FIELDS',
      error_message:
        'the following required fields are missing: account_id, type, network, amount, user',
    })
  })
})

describe('Link and Items', () => {
  test('creates link tokens with a four-hour life, and thirty minutes in update mode', async () => {
    // Plaid states expirations to the second; the token was made between `before` and `after`.
    const within = (expiration: string, before: number, after: number, lifeMs: number) => {
      const at = Date.parse(expiration)
      expect(at).toBeGreaterThanOrEqual(before + lifeMs - 1000)
      expect(at).toBeLessThanOrEqual(after + lifeMs)
    }
    let before = Date.now()
    const created = await t.client.linkTokenCreate({
      client_name: 'Tenor',
      language: 'en',
      country_codes: [],
      user: { client_user_id: 'investor-1' },
      products: [Products.Transfer],
    })
    expect(created.data.link_token).toMatch(new RegExp(`^link-sandbox-${uuid}$`))
    within(created.data.expiration, before, Date.now(), 4 * 3_600_000)

    const item = await linkItem(t.client)
    before = Date.now()
    const update = await t.client.linkTokenCreate({
      client_name: 'Tenor',
      language: 'en',
      country_codes: [],
      user: { client_user_id: 'investor-1' },
      access_token: item.accessToken,
    })
    within(update.data.expiration, before, Date.now(), 30 * 60_000)
  })

  test('refuses update mode for an unknown access token', async () => {
    const { data } = await catchPlaidError(
      t.client.linkTokenCreate({
        client_name: 'Tenor',
        language: 'en',
        country_codes: [],
        user: { client_user_id: 'investor-1' },
        access_token: 'access-sandbox-00000000-0000-0000-0000-000000000000',
      }),
    )
    expect(data.error_code).toBe('INVALID_ACCESS_TOKEN')
  })

  test('takes an https OAuth redirect, or http on localhost, as Plaid does', async () => {
    const create = (redirect: string) =>
      t.client.linkTokenCreate({
        client_name: 'Tenor',
        language: 'en',
        country_codes: [],
        user: { client_user_id: 'investor-1' },
        products: [Products.Transfer],
        redirect_uri: redirect,
      })
    expect((await create('https://tenor.example/banks/oauth')).status).toBe(200)
    expect((await create('http://localhost:5173/banks/oauth')).status).toBe(200)
    const { data } = await catchPlaidError(create('http://tenor.example/banks/oauth'))
    expect(data).toMatchObject({ error_type: 'INVALID_REQUEST', error_code: 'INVALID_FIELD' })
  })

  test('links First Platypus Bank with Plaid-shaped tokens and ids', async () => {
    const created = await t.client.sandboxPublicTokenCreate({
      institution_id: 'ins_109508',
      initial_products: [Products.Transfer],
    })
    expect(created.data.public_token).toMatch(new RegExp(`^public-sandbox-${uuid}$`))
    const exchanged = await t.client.itemPublicTokenExchange({
      public_token: created.data.public_token,
    })
    expect(exchanged.data.access_token).toMatch(new RegExp(`^access-sandbox-${uuid}$`))
    expect(exchanged.data.item_id).toMatch(/^[0-9A-Za-z]{37}$/)

    const { item } = (await t.client.itemGet({ access_token: exchanged.data.access_token })).data
    expect(item).toMatchObject({
      item_id: exchanged.data.item_id,
      institution_id: 'ins_109508',
      institution_name: 'First Platypus Bank',
      billed_products: ['transfer'],
      error: null,
      webhook: null,
    })
  })

  test('exchanges a public token once; a second exchange is INVALID_PUBLIC_TOKEN, as at Plaid', async () => {
    const created = await t.client.sandboxPublicTokenCreate({
      institution_id: 'ins_109508',
      initial_products: [Products.Transfer],
    })
    const exchange = () =>
      t.client.itemPublicTokenExchange({ public_token: created.data.public_token })
    const first = (await exchange()).data

    const { status, data } = await catchPlaidError(exchange())

    expect(status).toBe(400)
    expect(data).toMatchObject({
      error_type: 'INVALID_INPUT',
      error_code: 'INVALID_PUBLIC_TOKEN',
      error_message: 'could not find matching public token',
      display_message: null,
    })
    expect(data.request_id).toMatch(/^[0-9A-Za-z]{15}$/)
    // The item it made is untouched.
    const { item } = (await t.client.itemGet({ access_token: first.access_token })).data
    expect(item.item_id).toBe(first.item_id)
  })

  test('opens checking, savings and a credit card with masks and balances', async () => {
    const item = await linkItem(t.client)
    const { accounts } = (await t.client.accountsGet({ access_token: item.accessToken })).data
    expect(accounts.map((account) => [account.subtype, account.mask])).toEqual([
      ['checking', '0000'],
      ['savings', '1111'],
      ['credit card', '3333'],
    ])
    expect(accounts[0]?.account_id).toMatch(/^[0-9A-Za-z]{37}$/)
    expect(accounts[0]?.balances).toMatchObject({ available: 25_000, iso_currency_code: 'USD' })

    const only = await t.client.accountsGet({
      access_token: item.accessToken,
      options: { account_ids: [item.savingsId] },
    })
    expect(only.data.accounts.map((account) => account.mask)).toEqual(['1111'])
  })

  test('refuses a wrong password with ITEM_ERROR INVALID_CREDENTIALS', async () => {
    const { status, data } = await catchPlaidError(
      t.client.sandboxPublicTokenCreate({
        institution_id: 'ins_109508',
        initial_products: [Products.Transfer],
        options: { override_username: 'user_good', override_password: 'pass_bad' },
      }),
    )
    expect(status).toBe(400)
    expect(data).toMatchObject({ error_type: 'ITEM_ERROR', error_code: 'INVALID_CREDENTIALS' })
    expect(data.display_message).toBeString()
  })

  test('refuses an unknown institution and an unknown public token', async () => {
    const institution = await catchPlaidError(
      t.client.sandboxPublicTokenCreate({
        institution_id: 'ins_404',
        initial_products: [Products.Transfer],
      }),
    )
    expect(institution.data.error_code).toBe('INVALID_INSTITUTION')
    const token = await catchPlaidError(
      t.client.itemPublicTokenExchange({ public_token: 'public-sandbox-nope' }),
    )
    expect(token.data.error_code).toBe('INVALID_PUBLIC_TOKEN')
  })

  test('builds custom users from an override_accounts password', async () => {
    const password = JSON.stringify({
      override_accounts: [
        { type: 'depository', subtype: 'checking', starting_balance: 0, meta: { mask: '9999' } },
      ],
    })
    const item = await linkItem(t.client, { username: 'user_custom', password })
    const { accounts } = (await t.client.accountsGet({ access_token: item.accessToken })).data
    expect(accounts).toHaveLength(1)
    expect(accounts[0]).toMatchObject({ mask: '9999', balances: { available: 0, current: 0 } })
  })

  test('reports the Sandbox account holder from /identity/get', async () => {
    const item = await linkItem(t.client)
    const { accounts } = (await t.client.identityGet({ access_token: item.accessToken })).data
    expect(accounts[0]?.owners[0]?.names).toEqual(['Alberta Bobbeth Charleson'])
  })

  test('answers INVALID_ACCESS_TOKEN for a token it never issued', async () => {
    const { data } = await catchPlaidError(
      t.client.accountsGet({ access_token: 'access-sandbox-00000000-0000-0000-0000-000000000000' }),
    )
    expect(data).toMatchObject({ error_type: 'INVALID_INPUT', error_code: 'INVALID_ACCESS_TOKEN' })
  })

  test('removes an Item, and a repeat removal answers ITEM_NOT_FOUND', async () => {
    const item = await linkItem(t.client)
    const removed = await t.client.itemRemove({ access_token: item.accessToken })
    expect(removed.data.request_id).toBeString()
    const again = await catchPlaidError(t.client.itemRemove({ access_token: item.accessToken }))
    expect(again.status).toBe(400)
    expect(again.data).toMatchObject({ error_type: 'ITEM_ERROR', error_code: 'ITEM_NOT_FOUND' })
    const read = await catchPlaidError(t.client.accountsGet({ access_token: item.accessToken }))
    expect(read.data.error_code).toBe('ITEM_NOT_FOUND')
  })
})

describe('Item health', () => {
  test('reset_login puts the Item in ITEM_LOGIN_REQUIRED and fires ITEM ERROR', async () => {
    const item = await linkItem(t.client, { webhook: receiver.url })
    const reset = await t.client.sandboxItemResetLogin({ access_token: item.accessToken })
    expect(reset.data.reset_login).toBe(true)

    const { item: read } = (await t.client.itemGet({ access_token: item.accessToken })).data
    expect(read.error?.error_code).toBe('ITEM_LOGIN_REQUIRED')
    const accounts = await catchPlaidError(t.client.accountsGet({ access_token: item.accessToken }))
    expect(accounts.data).toMatchObject({
      error_type: 'ITEM_ERROR',
      error_code: 'ITEM_LOGIN_REQUIRED',
    })

    await t.standIn.settleWebhooks()
    expect(bodies()).toEqual([
      {
        webhook_type: 'ITEM',
        webhook_code: 'ERROR',
        item_id: item.itemId,
        error: expect.objectContaining({ error_code: 'ITEM_LOGIN_REQUIRED', status: 400 }),
        environment: 'sandbox',
      },
    ])
  })

  test('update mode through /__standin/link/complete repairs the Item', async () => {
    const item = await linkItem(t.client)
    await t.client.sandboxItemResetLogin({ access_token: item.accessToken })
    const update = await t.client.linkTokenCreate({
      client_name: 'Tenor',
      language: 'en',
      country_codes: [],
      user: { client_user_id: 'investor-1' },
      access_token: item.accessToken,
    })
    const completed = await fetch(`${t.standIn.url}/__standin/link/complete`, {
      method: 'POST',
      body: JSON.stringify({ link_token: update.data.link_token }),
    })
    expect(completed.status).toBe(200)
    const { item: read } = (await t.client.itemGet({ access_token: item.accessToken })).data
    expect(read.error).toBeNull()
  })

  test('fire_webhook sends the requested Item webhook, and refuses Items without a URL', async () => {
    const item = await linkItem(t.client, { webhook: receiver.url })
    await t.client.sandboxItemFireWebhook({
      access_token: item.accessToken,
      webhook_code: SandboxItemFireWebhookRequestWebhookCodeEnum.NewAccountsAvailable,
    })
    await t.client.sandboxItemFireWebhook({
      access_token: item.accessToken,
      webhook_code: SandboxItemFireWebhookRequestWebhookCodeEnum.PendingDisconnect,
    })
    await t.standIn.settleWebhooks()
    expect(bodies().map((body) => [body.webhook_type, body.webhook_code])).toEqual([
      ['ITEM', 'NEW_ACCOUNTS_AVAILABLE'],
      ['ITEM', 'PENDING_DISCONNECT'],
    ])

    const silent = await linkItem(t.client)
    const { data } = await catchPlaidError(
      t.client.sandboxItemFireWebhook({
        access_token: silent.accessToken,
        webhook_code: SandboxItemFireWebhookRequestWebhookCodeEnum.NewAccountsAvailable,
      }),
    )
    expect(data).toMatchObject({
      error_type: 'SANDBOX_ERROR',
      error_code: 'SANDBOX_WEBHOOK_INVALID',
    })
  })

  test('the Link token webhook becomes the Item webhook', async () => {
    const link = await t.client.linkTokenCreate({
      client_name: 'Tenor',
      language: 'en',
      country_codes: [],
      user: { client_user_id: 'investor-1' },
      products: [Products.Transfer],
      webhook: receiver.url,
    })
    const completed = await fetch(`${t.standIn.url}/__standin/link/complete`, {
      method: 'POST',
      body: JSON.stringify({ link_token: link.data.link_token, institution_id: 'ins_109511' }),
    })
    const { public_token, metadata } = (await completed.json()) as {
      public_token: string
      metadata: { institution: unknown }
    }
    expect(metadata.institution).toEqual({ institution_id: 'ins_109511', name: 'Tartan Bank' })
    const exchanged = await t.client.itemPublicTokenExchange({ public_token })
    const { item } = (await t.client.itemGet({ access_token: exchanged.data.access_token })).data
    expect(item.webhook).toBe(receiver.url)
  })
})

describe('persistence', () => {
  test('keeps Items across a restart, in a JSON file written whole', async () => {
    const item = await linkItem(t.client)
    await t.restart()
    const { item: read } = (await t.client.itemGet({ access_token: item.accessToken })).data
    expect(read.item_id).toBe(item.itemId)

    const saved = JSON.parse(readFileSync(t.statePath, 'utf8'))
    expect(saved.version).toBe(1)
    expect(Object.keys(saved.items)).toEqual([item.itemId])
  })
})
