import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { createHash } from 'node:crypto'
import { decodeProtectedHeader, importJWK, jwtVerify } from 'jose'
import type { LogEntry } from '../standins/plaid/index.ts'
import {
  catchPlaidError,
  linkItem,
  startTestStandIn,
  startWebhookReceiver,
  type TestStandIn,
  type WebhookReceiver,
} from '../standins/plaid/testing.ts'

let t: TestStandIn
let receiver: WebhookReceiver
let logs: LogEntry[]

beforeEach(async () => {
  logs = []
  receiver = startWebhookReceiver()
  t = await startTestStandIn({ log: (entry) => logs.push(entry) })
})
afterEach(async () => {
  await t.close()
  await receiver.stop()
})

async function fireAndReceive(): Promise<{ body: string; jwt: string }> {
  await t.client.sandboxTransferFireWebhook({ webhook: receiver.url })
  await t.standIn.settleWebhooks()
  const last = receiver.received.at(-1)
  if (!last?.verification) throw new Error('no signed webhook arrived')

  return { body: last.body, jwt: last.verification }
}

/** Verifies a webhook as Plaid's docs describe, answering the kid that signed it. */
async function verifyWebhook(body: string, jwt: string): Promise<string> {
  const header = decodeProtectedHeader(jwt)
  expect(header).toEqual({ alg: 'ES256', kid: expect.any(String), typ: 'JWT' })
  const { key } = (await t.client.webhookVerificationKeyGet({ key_id: header.kid ?? '' })).data
  const { payload } = await jwtVerify(jwt, await importJWK(key, 'ES256'), {
    algorithms: ['ES256'],
    maxTokenAge: '5 min',
  })
  const hash = createHash('sha256').update(body).digest('hex')
  expect(payload.request_body_sha256).toBe(hash)

  return header.kid ?? ''
}

describe('webhook signing', () => {
  test('signs each body with an ES256 JWT whose hash covers the exact bytes', async () => {
    const { body, jwt } = await fireAndReceive()
    expect(body).toBe(
      '{\n  "webhook_type": "TRANSFER",\n  "webhook_code": "TRANSFER_EVENTS_UPDATE",\n  "environment": "sandbox"\n}',
    )
    await verifyWebhook(body, jwt)
  })

  test('a body re-serialised without the indentation no longer matches the hash', async () => {
    const { body, jwt } = await fireAndReceive()
    const compact = JSON.stringify(JSON.parse(body))
    const { payload } = await jwtVerify(
      jwt,
      await importJWK(
        (await t.client.webhookVerificationKeyGet({ key_id: decodeProtectedHeader(jwt).kid ?? '' }))
          .data.key,
        'ES256',
      ),
    )
    expect(payload.request_body_sha256).not.toBe(createHash('sha256').update(compact).digest('hex'))
  })

  test('serves the JWK in Plaid shape and refuses an unknown kid', async () => {
    const { jwt } = await fireAndReceive()
    const kid = decodeProtectedHeader(jwt).kid ?? ''
    const { key } = (await t.client.webhookVerificationKeyGet({ key_id: kid })).data
    expect(key).toEqual({
      alg: 'ES256',
      crv: 'P-256',
      kid,
      kty: 'EC',
      use: 'sig',
      x: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      y: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      created_at: expect.any(Number),
      expired_at: null,
    })

    const { status, data } = await catchPlaidError(
      t.client.webhookVerificationKeyGet({ key_id: crypto.randomUUID() }),
    )
    expect(status).toBe(400)
    expect(data).toMatchObject({
      error_type: 'INVALID_INPUT',
      error_code: 'INVALID_WEBHOOK_VERIFICATION_KEY_ID',
    })
  })
})

describe('key rotation', () => {
  test('signs with the new key and marks the old one expired', async () => {
    const before = await fireAndReceive()
    const oldKid = await verifyWebhook(before.body, before.jwt)

    const newKid = t.standIn.rotateWebhookKey()
    const after = await fireAndReceive()
    expect(await verifyWebhook(after.body, after.jwt)).toBe(newKid)
    expect(newKid).not.toBe(oldKid)

    const old = (await t.client.webhookVerificationKeyGet({ key_id: oldKid })).data.key
    expect(old.expired_at).toBeNumber()
    const current = (await t.client.webhookVerificationKeyGet({ key_id: newKid })).data.key
    expect(current.expired_at).toBeNull()
  })

  test('rotates through POST /__standin/rotate-key and keeps both keys across a restart', async () => {
    const { jwt } = await fireAndReceive()
    const oldKid = decodeProtectedHeader(jwt).kid ?? ''
    const response = await fetch(`${t.standIn.url}/__standin/rotate-key`, { method: 'POST' })
    const { kid } = (await response.json()) as { kid: string }

    await t.restart()
    const after = await fireAndReceive()
    expect(await verifyWebhook(after.body, after.jwt)).toBe(kid)
    const old = (await t.client.webhookVerificationKeyGet({ key_id: oldKid })).data.key
    expect(old.expired_at).toBeNumber()
  })
})

describe('delivery failures', () => {
  test('a receiver that fails or is gone is logged, and the stand-in carries on', async () => {
    receiver.answerWith(500)
    await t.client.sandboxTransferFireWebhook({ webhook: receiver.url })
    const gone = startWebhookReceiver()
    await gone.stop()
    await t.client.sandboxTransferFireWebhook({ webhook: gone.url })
    await t.standIn.settleWebhooks()

    const deliveries = t.standIn.webhookDeliveries()
    expect(deliveries.map((delivery) => delivery.status)).toEqual([500, null])
    expect(deliveries[1]?.error).toBeString()
    const warnings = logs.filter((entry) => entry.level === 'warn')
    expect(warnings.map((entry) => entry.msg)).toEqual([
      'webhook answered non-2xx',
      'webhook delivery failed',
    ])
    const ledger = await t.client.transferLedgerGet({})
    expect(ledger.status).toBe(200)
  })

  test('never calls a webhook host off this machine', async () => {
    const item = await linkItem(t.client)
    await t.client.itemWebhookUpdate({
      access_token: item.accessToken,
      webhook: 'https://example.invalid/webhooks/plaid',
    })
    await t.standIn.settleWebhooks()
    const [delivery] = t.standIn.webhookDeliveries()
    expect(delivery?.status).toBeNull()
    expect(delivery?.error).toContain('loopback')
  })

  test('/item/webhook/update acknowledges at the new URL', async () => {
    const item = await linkItem(t.client)
    await t.client.itemWebhookUpdate({ access_token: item.accessToken, webhook: receiver.url })
    await t.standIn.settleWebhooks()
    expect(JSON.parse(receiver.received[0]?.body ?? '{}')).toMatchObject({
      webhook_type: 'ITEM',
      webhook_code: 'WEBHOOK_UPDATE_ACKNOWLEDGED',
      item_id: item.itemId,
      new_webhook_url: receiver.url,
    })
  })
})
