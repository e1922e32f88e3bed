import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { sha256Hex } from '@tenor/api/lib/crypto'
import { applyItemSignal } from '@tenor/api/plaid/item-health'
import { createWebhookVerifier } from '@tenor/api/plaid/webhook-verification'
import { createWebhookProcessor, recordWebhook } from '@tenor/api/plaid/webhooks'
import { createLogger } from '@tenor/db/logger'
import { webhookEvents } from '@tenor/db/schema'
import { base64url, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose'
import { createPlaidClient } from '../standins/plaid/testing.ts'
import { createPlaidTestApp, type PlaidTestApp } from '../support/plaid.ts'
import {
  addBuyer,
  addOffering,
  buy,
  type PurchaseBody,
  readPurchase,
  waitFor,
} from '../support/purchases.ts'
import { signUp } from '../support/users.ts'

let t: PlaidTestApp
let plaidItemId: string

beforeEach(async () => {
  t = await createPlaidTestApp()
  const { token } = await signUp(t, 'ada@example.com')
  await t.linkBank(token)
  const item = await t.db.database.db.query.plaidItems.findFirst()
  plaidItemId = item?.plaidItemId ?? ''
})
afterEach(() => t.close())

function errorWebhookBody(): string {
  const payload = {
    webhook_type: 'ITEM',
    webhook_code: 'ERROR',
    item_id: plaidItemId,
    error: { error_type: 'ITEM_ERROR', error_code: 'ITEM_LOGIN_REQUIRED', status: 400 },
    environment: 'sandbox',
  }
  return JSON.stringify(payload, null, 2)
}

/** The stand-in's own signing key, read from its state file, to make genuine-looking tokens. */
function plaidKey(index = -1): { kid: string; privateJwk: JWK } {
  const state = JSON.parse(readFileSync(t.plaidStatePath, 'utf8')) as {
    keys: { kid: string; privateJwk: JWK }[]
  }
  const key = state.keys.at(index)
  if (!key) throw new Error('no key in stand-in state')
  return key
}

async function sign(
  body: string,
  options: { key?: { kid: string; privateJwk: JWK }; iat?: number } = {},
) {
  const key = options.key ?? plaidKey()
  const seconds = Math.floor(t.clock.now().getTime() / 1000)
  return new SignJWT({ request_body_sha256: sha256Hex(body) })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .setIssuedAt(options.iat ?? seconds)
    .sign(await importJWK(key.privateJwk, 'ES256'))
}

function deliver(body: string, jwt: string) {
  return fetch(`${t.apiUrl}/webhooks/plaid`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'plaid-verification': jwt },
    body,
  })
}

async function expectRefused(body: string, jwt: string) {
  const res = await deliver(body, jwt)
  expect(res.status).toBe(401)
  expect(await t.db.database.db.$count(webhookEvents)).toBe(0)
}

describe('POST /webhooks/plaid refuses forgeries and writes nothing', () => {
  test('accepts a genuine webhook', async () => {
    const body = errorWebhookBody()
    const res = await deliver(body, await sign(body))
    expect(res.status).toBe(200)
    expect(await t.db.database.db.$count(webhookEvents)).toBe(1)
  })

  test('a key Plaid never issued', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true })
    const body = errorWebhookBody()
    const jwt = await new SignJWT({ request_body_sha256: sha256Hex(body) })
      .setProtectedHeader({ alg: 'ES256', kid: plaidKey().kid, typ: 'JWT' })
      .setIssuedAt(Math.floor(t.clock.now().getTime() / 1000))
      .sign(privateKey)
    await expectRefused(body, jwt)
  })

  test('one body byte changed', async () => {
    const body = errorWebhookBody()
    const jwt = await sign(body)
    await expectRefused(body.replace('ITEM_LOGIN_REQUIRED', 'ITEM_LOGIN_REQUIRES'), jwt)
  })

  test('alg HS256 or none', async () => {
    const body = errorWebhookBody()
    const claims = { request_body_sha256: sha256Hex(body), iat: Math.floor(Date.now() / 1000) }
    const hs = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid: plaidKey().kid })
      .sign(new TextEncoder().encode('a shared secret guessed by an attacker'))
    await expectRefused(body, hs)
    const encode = (value: object) => base64url.encode(JSON.stringify(value))
    const none = `${encode({ alg: 'none', kid: plaidKey().kid })}.${encode(claims)}.`
    await expectRefused(body, none)
  })

  test('iat six minutes old', async () => {
    const body = errorWebhookBody()
    const old = Math.floor(t.clock.now().getTime() / 1000) - 6 * 60
    await expectRefused(body, await sign(body, { iat: old }))
  })

  test('an unknown kid is looked up once, then refused', async () => {
    const body = errorWebhookBody()
    const before = t.plaid.calls('/webhook_verification_key/get').length
    await expectRefused(
      body,
      await sign(body, { key: { ...plaidKey(), kid: crypto.randomUUID() } }),
    )
    expect(t.plaid.calls('/webhook_verification_key/get').length).toBe(before + 1)
  })

  test('made-up kids spend only their sender’s lookups, and a refused one is not asked again', async () => {
    const verify = createWebhookVerifier(t.deps.plaid, () => t.clock.now())
    const body = errorWebhookBody()
    const bytes = new TextEncoder().encode(body)
    const lookups = () => t.plaid.calls('/webhook_verification_key/get').length
    const madeUpKey = () => ({ ...plaidKey(), kid: crypto.randomUUID() })
    const before = lookups()

    const madeUp = madeUpKey()
    for (let i = 0; i < 2; i++) {
      expect((await verify(bytes, await sign(body, { key: madeUp }), '203.0.113.9')).ok).toBe(false)
    }
    expect(lookups()).toBe(before + 1)
    for (let i = 0; i < 8; i++) {
      const verdict = await verify(bytes, await sign(body, { key: madeUpKey() }), '203.0.113.9')
      expect(verdict.ok).toBe(false)
    }
    expect(lookups()).toBe(before + 5)

    // That sender is out of lookups for the minute; Plaid, from its own address, is not.
    expect(await verify(bytes, await sign(body), '52.21.26.131')).toEqual({ ok: true })
    expect(lookups()).toBe(before + 6)
  })

  test('a flood of made-up kids from many addresses costs Plaid at most sixty lookups a minute', async () => {
    const verify = createWebhookVerifier(t.deps.plaid, () => t.clock.now())
    const body = errorWebhookBody()
    const bytes = new TextEncoder().encode(body)
    const lookups = () => t.plaid.calls('/webhook_verification_key/get').length
    const before = lookups()
    for (let sender = 0; sender < 14; sender++) {
      for (let i = 0; i < 5; i++) {
        const key = { ...plaidKey(), kid: crypto.randomUUID() }
        await verify(bytes, await sign(body, { key }), `198.51.100.${sender}`)
      }
    }
    expect(lookups()).toBe(before + 60)
    t.clock.advance(60_000)
    expect(await verify(bytes, await sign(body), '52.21.26.131')).toEqual({ ok: true })
  })

  test('a key that Plaid has rotated out', async () => {
    const oldKey = plaidKey()
    const body = errorWebhookBody()
    // Use the old key once so it is cached, then rotate: the cache must not outlive expiry.
    expect((await deliver(body, await sign(body, { key: oldKey }))).status).toBe(200)
    await t.db.database.db.delete(webhookEvents)
    t.plaid.rotateWebhookKey()
    // Cached keys are re-checked with Plaid once they are five minutes old.
    t.clock.advance(5 * 60 * 1000 + 1)
    const second = JSON.stringify({ ...JSON.parse(body), environment: 'sandbox ' }, null, 2)
    const res = await deliver(second, await sign(second, { key: oldKey }))
    expect(res.status).toBe(401)
  })
})

describe('duplicate deliveries', () => {
  test('a webhook delivered twice at once and again later is applied once', async () => {
    const body = JSON.stringify(
      {
        webhook_type: 'ITEM',
        webhook_code: 'PENDING_DISCONNECT',
        item_id: plaidItemId,
        reason: 'INSTITUTION_TOKEN_EXPIRATION',
        disconnect_time: '2026-03-09T12:00:00Z',
        environment: 'sandbox',
      },
      null,
      2,
    )
    const jwt = await sign(body)
    const [a, b] = await Promise.all([deliver(body, jwt), deliver(body, jwt)])
    expect([a.status, b.status]).toEqual([200, 200])
    t.clock.advance(60_000)
    expect((await deliver(body, await sign(body))).status).toBe(200)
    await t.deps.processWebhooks()

    const rows = await t.db.database.db.select().from(webhookEvents)
    expect(rows).toHaveLength(1)
    expect(rows[0]?.deliveries).toBe(3)
    expect(rows[0]?.processedAt).not.toBeNull()
    // The bank works until the date: purchases from it go on, and the investor is asked once
    // to reconnect before then.
    const item = await t.db.database.db.query.plaidItems.findFirst()
    expect(item).toMatchObject({ status: 'healthy', statusReason: 'PENDING_DISCONNECT' })
    const mail = await t.mailbox('ada@example.com')
    const asked = mail.filter((m) => m.kind === 'bank_reconnect_soon')
    expect(asked).toHaveLength(1)
    expect(asked[0]?.text).toContain('due to stop working on March 9, 2026')
    expect(mail.filter((m) => m.kind === 'bank_reconnect_needed')).toEqual([])
  })

  test('a warning that the bank stops working is not covered up by news of new accounts', async () => {
    const signal = (name: string) =>
      applyItemSignal(t.db.database, {
        plaidItemId,
        signal: name,
        now: t.clock.now(),
        publicUrl: 'http://tenor.test',
      })
    await signal('PENDING_DISCONNECT')
    await signal('NEW_ACCOUNTS_AVAILABLE')
    await signal('PENDING_DISCONNECT')

    const item = await t.db.database.db.query.plaidItems.findFirst()
    expect(item).toMatchObject({ status: 'healthy', statusReason: 'PENDING_DISCONNECT' })
    const mail = await t.mailbox('ada@example.com')
    expect(mail.filter((m) => m.kind === 'bank_reconnect_soon')).toHaveLength(1)
  })

  test('a second transfer update is not taken for a redelivery of the first', async () => {
    const offering = await addOffering(t)
    const bob = await addBuyer(t, 'bob@example.com')
    const bought = await buy(t, bob, { offeringId: offering.id, amountCents: 100_000 })
    const { purchase } = (await bought.json()) as PurchaseBody
    const transferId = (await readPurchase(t, purchase.id)).transferId ?? ''
    const sdk = createPlaidClient(t.plaid.url)
    const simulate = async (eventType: 'posted' | 'settled') => {
      await sdk.sandboxTransferSimulate({
        transfer_id: transferId,
        event_type: eventType,
        webhook: `${t.apiUrl}/webhooks/plaid`,
      })
      await t.plaid.settleWebhooks()
    }

    await simulate('posted')
    await waitFor(async () => (await readPurchase(t, purchase.id)).state === 'processing', 'posted')
    t.clock.advance(60 * 60 * 1000)
    // The same bytes as the first TRANSFER_EVENTS_UPDATE: only the events behind it differ.
    await simulate('settled')
    await waitFor(async () => (await readPurchase(t, purchase.id)).state === 'active', 'settled')

    const [row] = await t.db.database.db.select().from(webhookEvents)
    expect(row).toMatchObject({ webhookType: 'TRANSFER', deliveries: 2 })
  })

  test('a transfer update delivered again while the first is applied, in the same millisecond, is applied again', async () => {
    const body = new TextEncoder().encode(
      JSON.stringify({ webhook_type: 'TRANSFER', webhook_code: 'TRANSFER_EVENTS_UPDATE' }),
    )
    const now = t.clock.now()
    expect((await recordWebhook(t.db.database, body, now)).stored).toBe(true)
    let syncs = 0
    const processor = createWebhookProcessor({
      database: t.db.database,
      plaid: t.deps.plaid,
      env: t.deps.env,
      log: createLogger('silent'),
      now: () => t.clock.now(),
      syncTransfers: async () => {
        syncs += 1
        // Plaid's next update arrives while the events are read, at the same instant.
        if (syncs === 1) expect((await recordWebhook(t.db.database, body, now)).stored).toBe(true)
      },
    })

    await processor()

    // Read once for each update: events after the first read are not left for the next sweep.
    expect(syncs).toBe(2)
    const [row] = await t.db.database.db.select().from(webhookEvents)
    expect(row).toMatchObject({ deliveries: 2 })
    expect(row?.processedAt).not.toBeNull()
  })
})
