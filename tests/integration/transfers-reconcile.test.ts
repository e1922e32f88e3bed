import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { openAccessToken } from '@tenor/api/plaid/banks'
import { reconcilePurchase } from '@tenor/api/purchases/reconcile'
import { linkTransfer } from '@tenor/api/purchases/transfer-events'
import { accountBalance, accounts } from '@tenor/db/domain'
import { createLogger } from '@tenor/db/logger'
import { purchases, transferEvents } from '@tenor/db/schema'
import { runJob } from '@tenor/workers/job'
import { syncTransfers } from '@tenor/workers/jobs/transfer-sync'
import { createPlaidClient } from '../standins/plaid/testing.ts'
import { createPlaidTestApp, type PlaidTestApp } from '../support/plaid.ts'
import {
  addBuyer,
  addOffering,
  buy,
  type ErrorBody,
  expectLedgerClean,
  type PurchaseBody,
  readOffering,
  readPurchase,
  simulateTransfer,
} from '../support/purchases.ts'

let t: PlaidTestApp
let offering: Awaited<ReturnType<typeof addOffering>>

beforeEach(async () => {
  t = await createPlaidTestApp()
  offering = await addOffering(t)
})
afterEach(() => t.close())

const db = () => t.db.database.db

/** Every transfer Plaid made, read from its event log: each one starts with `pending`. */
async function transfersAtPlaid(): Promise<(string | null)[]> {
  const sdk = createPlaidClient(t.plaid.url)
  const { transfer_events: events } = (await sdk.transferEventSync({ after_id: 0, count: 500 }))
    .data
  return events.filter((e) => e.event_type === 'pending').map((e) => e.transfer_id)
}

describe('declines and refusals', () => {
  test('an NSF decline fails the purchase in plain words and releases its capacity', async () => {
    const poor = await addBuyer(t, 'poor@example.com', { balanceDollars: 50 })
    const res = await buy(t, poor, { offeringId: offering.id, amountCents: 10_000 })

    expect(res.status).toBe(402)
    const { error } = (await res.json()) as ErrorBody
    expect(error.code).toBe('insufficient_funds')
    expect(error.message).toContain('balance is not enough')
    const row = await readPurchase(t, error.purchaseId ?? '')
    expect(row).toMatchObject({ state: 'failed', decision: 'declined', failureCode: 'NSF' })
    expect((await readOffering(t, offering.id)).reservedCents).toBe(0)
    expect(t.plaid.calls('/transfer/create')).toHaveLength(0)
    expect(await accountBalance(db(), accounts.notePrincipal(row.id))).toBe(0)
    const mail = await t.mailbox('poor@example.com')
    expect(mail.find((m) => m.kind === 'purchase_failed')?.text).toContain('balance is not enough')
    await expectLedgerClean(t)
  })
})

describe('approved with a rationale', () => {
  test('ITEM_LOGIN_REQUIRED fails the purchase and marks the bank for reconnecting', async () => {
    const ada = await addBuyer(t, 'ada@example.com')
    const item = await db().query.plaidItems.findFirst()
    if (!item) throw new Error('no item')
    // Plaid's login breaks without an ITEM webhook reaching us first: only the decision says so.
    const sdk = createPlaidClient(t.plaid.url)
    const accessToken = openAccessToken(item, t.deps.env.encryptionKeys)
    await sdk.itemWebhookUpdate({ access_token: accessToken, webhook: null })
    await sdk.sandboxItemResetLogin({ access_token: accessToken })

    const res = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })

    expect(res.status).toBe(409)
    const { error } = (await res.json()) as ErrorBody
    expect(error.code).toBe('bank_reconnect_required')
    expect(await readPurchase(t, error.purchaseId ?? '')).toMatchObject({
      state: 'failed',
      decision: 'approved',
      decisionRationale: 'ITEM_LOGIN_REQUIRED',
    })
    expect((await db().query.plaidItems.findFirst())?.status).toBe('needs_reconnect')
    expect(t.plaid.calls('/transfer/create')).toHaveLength(0)
    expect((await readOffering(t, offering.id)).reservedCents).toBe(0)
    await expectLedgerClean(t)
  })
})

describe('reconciliation after Plaid failures', () => {
  test('a lost reply on /transfer/create is reconciled by /transfer/get, never a second transfer', async () => {
    const ada = await addBuyer(t, 'ada@example.com')
    t.plaid.injectFault({ path: '/transfer/create', mode: 'lost_reply', times: 3 })

    const res = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000, key: 'k-1' })
    expect(res.status).toBe(202)
    const { purchase } = (await res.json()) as PurchaseBody
    expect(purchase.state).toBe('initiated')
    expect(await transfersAtPlaid()).toHaveLength(1)

    // The investor retries with the same key: the purchase resumes instead of starting again.
    const retried = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000, key: 'k-1' })
    expect(retried.status).toBe(201)
    expect(((await retried.json()) as PurchaseBody).purchase).toMatchObject({
      id: purchase.id,
      state: 'pending',
    })
    expect(t.plaid.calls('/transfer/get')).toHaveLength(1)
    expect(await transfersAtPlaid()).toEqual([(await readPurchase(t, purchase.id)).transferId])
    expect(await db().$count(purchases)).toBe(1)
    await expectLedgerClean(t)
  })

  test('the worker reconciles a purchase whose authorization Plaid never answered', async () => {
    const ada = await addBuyer(t, 'ada@example.com')
    t.plaid.injectFault({ path: '/transfer/authorization/create', mode: 'error500', times: 3 })
    const res = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    expect(res.status).toBe(202)
    const { purchase } = (await res.json()) as PurchaseBody

    t.clock.advance(2 * 60 * 1000)
    const lines: string[] = []
    const log = createLogger('info', {}, (line) => lines.push(line))
    expect(await runJob(syncTransfers, { deps: t.deps, log })).toBe('succeeded')

    const row = await readPurchase(t, purchase.id)
    expect(row.state).toBe('pending')
    expect(await transfersAtPlaid()).toEqual([row.transferId])
    const outcome = lines.map((line) => JSON.parse(line)).find((l) => l.event === 'job succeeded')
    expect(outcome).toMatchObject({ job: 'transfer-sync', reconciled: 1, stillInitiated: 0 })
  })

  describe('an authorization Plaid gave but no transfer used', () => {
    /** A purchase left `initiated` holding an authorization: every transfer create failed. */
    async function leftAuthorized() {
      const ada = await addBuyer(t, 'ada@example.com')
      t.plaid.injectFault({ path: '/transfer/create', mode: 'error500', times: 3 })
      const res = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
      expect(res.status).toBe(202)
      const { purchase } = (await res.json()) as PurchaseBody
      const row = await readPurchase(t, purchase.id)
      expect(row).toMatchObject({ state: 'initiated', authorizedAt: t.clock.now() })
      if (!row.authorizationId) throw new Error('no authorization recorded')
      return { purchaseId: purchase.id, first: row.authorizationId }
    }
    const sync = () => runJob(syncTransfers, { deps: t.deps, log: createLogger('silent') })
    const authorizations = () => t.plaid.calls('/transfer/authorization/create')

    test('is used within its first 40 minutes', async () => {
      const { purchaseId, first } = await leftAuthorized()
      t.clock.advance(39 * 60 * 1000)
      await sync()

      const row = await readPurchase(t, purchaseId)
      expect(row).toMatchObject({ state: 'pending', authorizationId: first })
      expect(authorizations()).toHaveLength(1)
      expect(await transfersAtPlaid()).toEqual([row.transferId])
    })

    test('is left to a later run between 40 and 50 minutes, and then replaced', async () => {
      const { purchaseId, first } = await leftAuthorized()
      t.clock.advance(45 * 60 * 1000)
      await sync()
      expect(await readPurchase(t, purchaseId)).toMatchObject({
        state: 'initiated',
        authorizationId: first,
      })
      expect(t.plaid.calls('/transfer/create').filter((call) => call.status === 200)).toEqual([])

      t.clock.advance(6 * 60 * 1000)
      await sync()
      const row = await readPurchase(t, purchaseId)
      expect(row.state).toBe('pending')
      expect(row.authorizationId).not.toBe(first)
      expect(authorizations().map((call) => call.idempotencyKey)).toEqual([
        purchaseId,
        `renew:${first}`,
      ])
      expect(await transfersAtPlaid()).toEqual([row.transferId])
    })

    test('is replaced once past it, under a key naming it, and one transfer is made', async () => {
      const { purchaseId, first } = await leftAuthorized()
      t.clock.advance(2 * 60 * 60 * 1000)
      // The new authorization's replies are lost (three tries in this run): asked again on the
      // next run, the key answers the authorization Plaid made then.
      t.plaid.injectFault({ path: '/transfer/authorization/create', mode: 'lost_reply', times: 3 })
      await sync()
      expect(await readPurchase(t, purchaseId)).toMatchObject({
        state: 'initiated',
        authorizationId: first,
      })
      await sync()

      const row = await readPurchase(t, purchaseId)
      expect(row.state).toBe('pending')
      expect(row.authorizationId).not.toBe(first)
      expect(row.authorizedAt).toEqual(t.clock.now())
      expect(authorizations().map((call) => call.idempotencyKey)).toEqual([
        purchaseId,
        ...Array(4).fill(`renew:${first}`),
      ])
      const creates = t.plaid.calls('/transfer/create').filter((call) => call.status === 200)
      expect(creates.map((call) => call.authorizationId)).toEqual([row.authorizationId])
      expect(await transfersAtPlaid()).toEqual([row.transferId])
      await expectLedgerClean(t)
    })

    test('a replacement whose reply comes an hour late is timed from when Plaid gave it', async () => {
      const { purchaseId, first } = await leftAuthorized()
      t.clock.advance(2 * 60 * 60 * 1000)
      t.plaid.injectFault({ path: '/transfer/authorization/create', mode: 'lost_reply', times: 3 })
      await sync()
      // Plaid is unreachable for an hour after making the new authorization: asked again, the
      // key answers that authorization, already past its hour.
      t.clock.advance(61 * 60 * 1000)
      await sync()
      t.clock.advance(2 * 60 * 1000)
      await sync()

      const row = await readPurchase(t, purchaseId)
      expect(row).toMatchObject({ state: 'pending', failureCode: null })
      expect(row.authorizationId).not.toBe(first)
      expect(await transfersAtPlaid()).toEqual([row.transferId])
      await expectLedgerClean(t)
    })

    test('two reconcilers either side of the replacement age make one transfer between them', async () => {
      // The worker's run and the investor's retry under the same Idempotency-Key both reconcile.
      const { purchaseId, first } = await leftAuthorized()
      t.clock.advance(50 * 60 * 1000 - 1)
      const plaid = t.deps.plaid
      const create = plaid.transferCreate.bind(plaid)
      let reached = () => {}
      const atCreate = new Promise<void>((resolve) => {
        reached = resolve
      })
      let release = () => {}
      const held = new Promise<void>((resolve) => {
        release = resolve
      })
      plaid.transferCreate = (async (...args: Parameters<typeof create>) => {
        if (args[0].authorization_id === first) {
          reached()
          await held
        }
        return create(...args)
      }) as typeof plaid.transferCreate
      try {
        // The first decides on the authorization it holds; its create is still on its way when
        // the second, a millisecond later, finds no transfer made from it.
        const slow = reconcilePurchase(t.deps, purchaseId)
        await Promise.race([atCreate, slow])
        t.clock.advance(1)
        await reconcilePurchase(t.deps, purchaseId)
        release()
        await slow
      } finally {
        plaid.transferCreate = create
      }
      t.clock.advance(60 * 1000)
      await sync()

      const row = await readPurchase(t, purchaseId)
      expect(row.state).toBe('pending')
      expect(await transfersAtPlaid()).toEqual([row.transferId])
    })
  })

  test('a second transfer for a purchase that holds one already is logged for review, not linked', async () => {
    const ada = await addBuyer(t, 'ada@example.com')
    const res = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    const { purchase } = (await res.json()) as PurchaseBody
    const held = (await readPurchase(t, purchase.id)).transferId
    const lines: string[] = []
    const log = createLogger('info', {}, (line) => lines.push(line))

    await linkTransfer(t.deps, purchase.id, held ?? '', log)
    await linkTransfer(t.deps, purchase.id, 'another-transfer', log)

    expect((await readPurchase(t, purchase.id)).transferId).toBe(held)
    // The same transfer again is a retry and says nothing; another one is an error.
    const said = lines.map((line) => JSON.parse(line) as { level: string; transferId?: string })
    expect(said.map((l) => [l.level, l.transferId])).toEqual([['error', 'another-transfer']])
  })

  test('events that arrive before the purchase knows its transfer are applied when it learns it', async () => {
    const ada = await addBuyer(t, 'ada@example.com')
    t.plaid.injectFault({ path: '/transfer/create', mode: 'lost_reply', times: 3 })
    const { purchase } = (await (
      await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    ).json()) as PurchaseBody
    const [transferId] = await transfersAtPlaid()
    if (!transferId) throw new Error('Plaid made no transfer')
    await simulateTransfer(t, transferId, 'posted')
    await t.deps.syncTransfers()
    expect((await db().select().from(transferEvents)).every((e) => e.appliedAt === null)).toBe(true)

    await reconcilePurchase(t.deps, purchase.id)

    const row = await readPurchase(t, purchase.id)
    expect(row).toMatchObject({ state: 'processing', transferId })
    expect((await db().select().from(transferEvents)).every((e) => e.appliedAt !== null)).toBe(true)
    await expectLedgerClean(t)
  })
})

describe('syncTransfers', () => {
  test('runs one sync at a time: calls during a run share one more run after it', async () => {
    const ada = await addBuyer(t, 'ada@example.com')
    await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    t.plaid.resetCalls()

    const results = await Promise.all([
      t.deps.syncTransfers(),
      t.deps.syncTransfers(),
      t.deps.syncTransfers(),
    ])

    expect(t.plaid.calls('/transfer/event/sync')).toHaveLength(2)
    expect(results.map((r) => r.stored)).toEqual([1, 0, 0])
    expect(await db().$count(transferEvents)).toBe(1)
  })
})
