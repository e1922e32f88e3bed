import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { noteAtMaturity, readPayout, runWorkerJob, signInAgain } from '../support/maturities.ts'
import type { PlaidTestApp } from '../support/plaid.ts'
import {
  addBuyer,
  type Buyer,
  buy,
  expectLedgerClean,
  type PurchaseBody,
  readPurchase,
} from '../support/purchases.ts'
import { type Offering, openScene } from '../support/scene.ts'
import { signUpAdmin } from '../support/users.ts'

let t: PlaidTestApp
let offering: Offering
let ada: Buyer
beforeEach(async () => {
  ;({ t, offering, ada } = await openScene())
})
afterEach(() => t.close())

const moveBank = (
  purchaseId: string,
  transfer: 'debit' | 'payout',
  event: string,
  token: string | null = ada.token,
) => t.request('/dev/bank', { json: { purchaseId, transfer, event }, token: token ?? undefined })

describe('POST /dev/bank (development only)', () => {
  test("moves a purchase's debit through the sandbox and applies it at once", async () => {
    const bought = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    const { purchase } = (await bought.json()) as PurchaseBody

    expect((await moveBank(purchase.id, 'debit', 'posted')).status).toBe(200)
    expect((await readPurchase(t, purchase.id)).state).toBe('processing')
    expect((await moveBank(purchase.id, 'debit', 'settled')).status).toBe(200)
    expect((await readPurchase(t, purchase.id)).state).toBe('active')

    // A debit still pending is posted first, as the bank would.
    const second = await buy(t, ada, { offeringId: offering.id, amountCents: 50_000 })
    const next = ((await second.json()) as PurchaseBody).purchase
    expect((await moveBank(next.id, 'debit', 'settled')).status).toBe(200)
    expect((await readPurchase(t, next.id)).state).toBe('active')
    await expectLedgerClean(t)
  })

  test("returns a payout's credit with R02, which holds the money for the investor", async () => {
    const note = await noteAtMaturity(t, ada, offering.id)
    // Six months on, the first session has long expired.
    ada = await signInAgain(t, ada)
    expect((await moveBank(note.id, 'payout', 'posted')).status).toBe(404)
    await runWorkerJob(t)

    expect((await moveBank(note.id, 'payout', 'returned')).status).toBe(200)
    expect(await readPayout(t, note.id)).toMatchObject({ state: 'returned', failureCode: 'R02' })
    await expectLedgerClean(t)
  })

  test('answers a move the bank would refuse, and an unknown purchase, with clear errors', async () => {
    const bought = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    const { purchase } = (await bought.json()) as PurchaseBody
    expect((await moveBank(purchase.id, 'debit', 'returned')).status).toBe(200)
    expect((await readPurchase(t, purchase.id)).state).toBe('returned')

    const refused = await moveBank(purchase.id, 'debit', 'settled')
    expect(refused.status).toBe(409)
    expect(await refused.json()).toMatchObject({
      error: {
        code: 'bank_move_refused',
        message: 'The transfer is returned; the bank cannot make it settled now.',
      },
    })
    expect((await moveBank('no-such-purchase', 'debit', 'posted')).status).toBe(404)
    expect((await moveBank(purchase.id, 'debit', 'cleared')).status).toBe(422)
  })

  test("is for the purchase's own investor: a visitor is refused, anyone else finds nothing", async () => {
    const bought = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    const { purchase } = (await bought.json()) as PurchaseBody
    const eve = await addBuyer(t, 'eve@example.com')

    expect((await moveBank(purchase.id, 'debit', 'returned', null)).status).toBe(401)
    expect((await moveBank(purchase.id, 'debit', 'returned', eve.token)).status).toBe(404)
    const admin = await signUpAdmin(t, 'admin@example.com')
    expect((await moveBank(purchase.id, 'debit', 'returned', admin.token)).status).toBe(404)
    expect((await readPurchase(t, purchase.id)).state).toBe('pending')
  })
})
