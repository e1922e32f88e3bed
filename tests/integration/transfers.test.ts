import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { outcomeContextOf } from '@tenor/api/purchases/outcomes'
import { applyTransferEvent } from '@tenor/api/purchases/transfer-events'
import { accountBalance, accounts } from '@tenor/db/domain'
import {
  ledgerTransactions,
  purchaseEvents,
  transferEvents,
  transferSyncCursor,
} from '@tenor/db/schema'
import { TransferStatus } from 'plaid'
import { createPlaidClient } from '../standins/plaid/testing.ts'
import type { PlaidTestApp } from '../support/plaid.ts'
import {
  type Buyer,
  buy,
  expectLedgerClean,
  type PurchaseBody,
  readBankAccount,
  readOffering,
  readPurchase,
  simulateTransfer,
  waitFor,
} from '../support/purchases.ts'
import { type Offering, openScene } from '../support/scene.ts'

let t: PlaidTestApp
let offering: Offering
let ada: Buyer
beforeEach(async () => {
  ;({ t, offering, ada } = await openScene())
})
afterEach(() => t.close())

const db = () => t.db.database.db
const balance = (code: string) => accountBalance(db(), code)

/** Buys $1,000 and answers the purchase id and its Plaid transfer id. */
async function buyPending(amountCents = 100_000) {
  const res = await buy(t, ada, { offeringId: offering.id, amountCents })
  expect(res.status).toBe(201)
  const { purchase } = (await res.json()) as PurchaseBody
  const transferId = (await readPurchase(t, purchase.id)).transferId
  if (!transferId) throw new Error('no transfer id')

  return { id: purchase.id, transferId }
}

/** The purchase is undone: capacity back, principal no longer owed, nothing in transit. */
async function expectUndone(purchaseId: string) {
  expect((await readOffering(t, offering.id)).reservedCents).toBe(0)
  expect(await balance(accounts.notePrincipal(purchaseId))).toBe(0)
  expect(await balance(accounts.achReceivable)).toBe(0)
  expect(await balance(accounts.fboCash)).toBe(0)
  expect(await balance(accounts.offeringSold(offering.id))).toBe(0)
  await expectLedgerClean(t)
}

describe('transfer events', () => {
  test('posted, then settled: the note is active from the settlement date', async () => {
    const { id, transferId } = await buyPending()
    await simulateTransfer(t, transferId, 'posted')
    await t.deps.syncTransfers()
    expect((await readPurchase(t, id)).state).toBe('processing')

    await simulateTransfer(t, transferId, 'settled')
    await simulateTransfer(t, transferId, 'funds_available')
    await t.deps.syncTransfers()

    expect(await readPurchase(t, id)).toMatchObject({
      state: 'active',
      settledOn: '2026-03-02',
      maturityDate: '2026-09-02',
    })
    expect(await balance(accounts.fboCash)).toBe(100_000)
    expect(await balance(accounts.achReceivable)).toBe(0)
    expect(await balance(accounts.notePrincipal(id))).toBe(100_000)
    const mail = await t.mailbox(ada.email)
    expect(mail.find((m) => m.kind === 'purchase_active')?.text).toContain('$1,040.33')
    await expectLedgerClean(t)
  })

  test('the TRANSFER_EVENTS_UPDATE webhook pulls the events without the worker', async () => {
    // $11.11 is Plaid's magic amount: posted, settled and funds_available at once, one webhook.
    const { id } = await buyPending(1111)
    await t.plaid.settleWebhooks()

    await waitFor(async () => (await readPurchase(t, id)).state === 'active', 'settlement')
    await expectLedgerClean(t)
  })

  test('a return after settlement undoes the purchase, closes the account and says why', async () => {
    const { id, transferId } = await buyPending()
    await simulateTransfer(t, transferId, 'posted')
    await simulateTransfer(t, transferId, 'settled')
    await t.deps.syncTransfers()
    await simulateTransfer(t, transferId, 'returned', 'R02')
    await t.deps.syncTransfers()

    expect(await readPurchase(t, id)).toMatchObject({ state: 'returned', failureCode: 'R02' })
    expect((await readBankAccount(t, ada.bankAccountId)).status).toBe('closed')
    await expectUndone(id)
    const mail = await t.mailbox(ada.email)
    expect(mail.find((m) => m.kind === 'purchase_returned')?.text).toContain('account is closed')
  })

  test('an unauthorized return (R10) marks the account so it is never debited again', async () => {
    const { id, transferId } = await buyPending()
    await simulateTransfer(t, transferId, 'posted')
    await simulateTransfer(t, transferId, 'returned', 'R10')
    await t.deps.syncTransfers()

    expect((await readPurchase(t, id)).state).toBe('returned')
    expect((await readBankAccount(t, ada.bankAccountId)).status).toBe('unauthorized')
    await expectUndone(id)
    const again = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    expect(again.status).toBe(409)
  })

  test('a failed transfer fails the purchase and releases its capacity once', async () => {
    const { id, transferId } = await buyPending()
    await simulateTransfer(t, transferId, 'failed')
    await t.deps.syncTransfers()
    await t.deps.syncTransfers()

    expect((await readPurchase(t, id)).state).toBe('failed')
    await expectUndone(id)
    expect((await t.mailbox(ada.email)).filter((m) => m.kind === 'purchase_failed')).toHaveLength(1)
  })

  test('an event delivered twice is applied once', async () => {
    const { id, transferId } = await buyPending()
    await simulateTransfer(t, transferId, 'posted')
    await simulateTransfer(t, transferId, 'settled')
    await t.deps.syncTransfers()
    const before = {
      events: await db().$count(transferEvents),
      history: await db().$count(purchaseEvents),
      ledger: await db().$count(ledgerTransactions),
    }

    // As if the cursor were lost: Plaid sends every event again.
    await db().update(transferSyncCursor).set({ lastEventId: 0 })
    await t.deps.syncTransfers()

    expect((await readPurchase(t, id)).state).toBe('active')
    expect({
      events: await db().$count(transferEvents),
      history: await db().$count(purchaseEvents),
      ledger: await db().$count(ledgerTransactions),
    }).toEqual(before)
    await expectLedgerClean(t)
  })

  test('events out of order never move a purchase back and leave the ledger balanced', async () => {
    const settledFirst = await buyPending()
    const returnedFirst = await buyPending(200_000)
    await simulateTransfer(t, settledFirst.transferId, 'posted')
    await simulateTransfer(t, settledFirst.transferId, 'settled')
    await simulateTransfer(t, returnedFirst.transferId, 'posted')
    await simulateTransfer(t, returnedFirst.transferId, 'settled')
    await simulateTransfer(t, returnedFirst.transferId, 'returned', 'R01')
    const sdk = createPlaidClient(t.plaid.url)
    const { transfer_events: events } = (await sdk.transferEventSync({ after_id: 0, count: 500 }))
      .data

    const ctx = outcomeContextOf(t.deps)
    for (const event of events.toReversed()) {
      const purchaseId =
        event.transfer_id === settledFirst.transferId ? settledFirst.id : returnedFirst.id
      await t.db.database.write(async (tx) => {
        await applyTransferEvent(tx, ctx, await readPurchase(t, purchaseId), event)
      })
    }

    expect((await readPurchase(t, settledFirst.id)).state).toBe('active')
    expect((await readPurchase(t, returnedFirst.id)).state).toBe('returned')
    expect((await readOffering(t, offering.id)).reservedCents).toBe(100_000)
    expect(await balance(accounts.notePrincipal(returnedFirst.id))).toBe(0)
    await expectLedgerClean(t)
  })
})

describe('POST /purchases/{id}/cancel', () => {
  test('cancels a pending purchase at Plaid and releases its capacity once', async () => {
    const { id, transferId } = await buyPending()
    const res = await t.request(`/purchases/${id}/cancel`, { json: {}, token: ada.token })

    expect(res.status).toBe(200)
    expect(((await res.json()) as PurchaseBody).purchase.state).toBe('cancelled')
    const sdk = createPlaidClient(t.plaid.url)
    const atPlaid = await sdk.transferGet({ transfer_id: transferId })
    expect(atPlaid.data.transfer.status).toBe(TransferStatus.Cancelled)
    await t.deps.syncTransfers()
    const again = await t.request(`/purchases/${id}/cancel`, { json: {}, token: ada.token })
    expect(again.status).toBe(409)
    expect((await readPurchase(t, id)).state).toBe('cancelled')
    await expectUndone(id)
  })

  test('refuses once the transfer has been sent to the network', async () => {
    const { id, transferId } = await buyPending()
    await simulateTransfer(t, transferId, 'posted')

    const res = await t.request(`/purchases/${id}/cancel`, { json: {}, token: ada.token })
    expect(res.status).toBe(409)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_cancellable')
    expect((await readOffering(t, offering.id)).reservedCents).toBe(100_000)
  })
})
