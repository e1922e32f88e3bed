import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { plaidKeyOf } from '@tenor/api/maturities/records'
import { accountBalance, accounts } from '@tenor/db/domain'
import { TransferACHNetwork } from 'plaid'
import { createPlaidClient } from '../standins/plaid/testing.ts'
import {
  buyActiveNote,
  creditsAtPlaid,
  mailOfKind,
  noteAtMaturity,
  readPayout,
  runWorkerJob,
  settleSentPayouts,
} from '../support/maturities.ts'
import type { PlaidTestApp } from '../support/plaid.ts'
import {
  addBuyer,
  addOffering,
  type Buyer,
  expectLedgerClean,
  readBankAccount,
  readPurchase,
  simulateTransfer,
} from '../support/purchases.ts'
import { type Offering, openScene } from '../support/scene.ts'

let t: PlaidTestApp
let offering: Offering
let ada: Buyer
beforeEach(async () => {
  ;({ t, offering, ada } = await openScene())
})
afterEach(() => t.close())

const balance = (code: string) => accountBalance(t.db.database.db, code)

/** A $1,000 note that matures today, 2026-09-02, paying $1,040.33. */
const maturedNote = () => noteAtMaturity(t, ada, offering.id)

describe('sending payouts', () => {
  test('a lost /transfer/create reply is found by authorization id, never made twice', async () => {
    const note = await maturedNote()
    // The stand-in makes the transfer each time but the answer never arrives.
    t.plaid.injectFault({ path: '/transfer/create', mode: 'lost_reply', times: 3 })

    const first = await runWorkerJob(t)
    expect(first.counts).toMatchObject({ matured: 1, payoutsWaiting: 1 })
    expect(await readPayout(t, note.id)).toMatchObject({ state: 'initiated', transferId: null })

    const second = await runWorkerJob(t)

    expect(second.counts).toMatchObject({ payoutsSent: 1 })
    expect(t.plaid.calls('/transfer/get').length).toBeGreaterThan(0)
    const payout = await readPayout(t, note.id)
    expect(await creditsAtPlaid(t)).toEqual([payout.transferId ?? ''])
    await settleSentPayouts(t)
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'paid' })
    await expectLedgerClean(t)
  })

  test('a 500 from /transfer/create is checked, then created once', async () => {
    const note = await maturedNote()
    t.plaid.injectFault({ path: '/transfer/create', mode: 'error500', times: 3 })

    await runWorkerJob(t)
    await runWorkerJob(t)

    expect(await readPayout(t, note.id)).toMatchObject({ state: 'pending' })
    expect(await creditsAtPlaid(t)).toHaveLength(1)
  })

  test('an authorization left unused past its hour is given up, and the next run authorizes again', async () => {
    const note = await maturedNote()
    t.plaid.injectFault({ path: '/transfer/create', mode: 'error500', times: 3 })
    await runWorkerJob(t)
    const left = await readPayout(t, note.id)
    expect(left).toMatchObject({ state: 'initiated', transferId: null })

    // The next run comes after the authorization's hour: Plaid makes no transfer from it.
    t.clock.advance(2 * 60 * 60 * 1000)
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsSent: 0 })
    expect(await readPayout(t, note.id)).toMatchObject({
      state: 'initiated',
      authorizationId: null,
      failureCode: 'TRANSFER_AUTHORIZATION_EXPIRED',
    })
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsSent: 1 })

    const payout = await readPayout(t, note.id)
    expect(payout.state).toBe('pending')
    expect(payout.authorizationId).not.toBe(left.authorizationId)
    expect(t.plaid.calls('/transfer/authorization/create').map((c) => c.idempotencyKey)).toEqual([
      plaidKeyOf(left.idempotencyKey),
      plaidKeyOf(payout.idempotencyKey),
    ])
    expect(await creditsAtPlaid(t)).toEqual([payout.transferId ?? ''])
    await settleSentPayouts(t)
    await expectLedgerClean(t)
  })

  test('a lost authorization reply gets the same authorization under the same key', async () => {
    const note = await maturedNote()
    t.plaid.injectFault({ path: '/transfer/authorization/create', mode: 'lost_reply', times: 3 })

    await runWorkerJob(t)
    await runWorkerJob(t)

    const payout = await readPayout(t, note.id)
    expect(payout.state).toBe('pending')
    const keys = t.plaid.calls('/transfer/authorization/create').map((c) => c.idempotencyKey)
    expect(new Set(keys)).toEqual(new Set([plaidKeyOf(payout.idempotencyKey)]))
    expect(await creditsAtPlaid(t)).toHaveLength(1)
  })

  test('a decline for want of Ledger funds waits for the next run, logged as an error', async () => {
    const big = await addOffering(t, { maxPurchaseCents: 100_000_000, capacityCents: 200_000_000 })
    const rich = await addBuyer(t, 'rich@example.com', { balanceDollars: 2_000_000 })
    // $1,000,000 pays $1,040,328.77: more than the stand-in Ledger's $1,000,000.
    const note = await buyActiveNote(t, rich, { offeringId: big.id, amountCents: 100_000_000 })
    t.clock.set(new Date('2026-09-02T14:00:00Z'))

    const declined = await runWorkerJob(t)

    expect(declined.counts).toMatchObject({ payoutsDeclined: 1 })
    expect(declined.lines.some((l) => l.level === 'error' && l.declined === 1)).toBe(true)
    expect(await readPayout(t, note.id)).toMatchObject({
      state: 'initiated',
      failureCode: 'NSF',
      idempotencyKey: `payout:${note.id}:2026-09-02:2`,
    })

    const sdk = createPlaidClient(t.plaid.url)
    await sdk.transferLedgerDeposit({
      amount: '100000.00',
      idempotency_key: 'fund-payouts',
      network: TransferACHNetwork.Ach,
    })
    const sent = await runWorkerJob(t)

    expect(sent.counts).toMatchObject({ payoutsSent: 1 })
    expect(await creditsAtPlaid(t)).toHaveLength(1)
    await expectLedgerClean(t)
  })

  test('a failed credit is sent again under a new authorization and paid once', async () => {
    const note = await maturedNote()
    await runWorkerJob(t)
    const failed = await readPayout(t, note.id)
    await simulateTransfer(t, failed.transferId ?? '', 'failed')
    await t.deps.syncTransfers()

    expect(await readPayout(t, note.id)).toMatchObject({
      state: 'initiated',
      transferId: null,
      idempotencyKey: `payout:${note.id}:2026-09-02:2`,
    })
    await runWorkerJob(t)
    await settleSentPayouts(t)

    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'paid' })
    expect(await creditsAtPlaid(t)).toHaveLength(2)
    expect(await mailOfKind(t, ada.email, 'maturity_paid')).toHaveLength(1)
    expect(await balance(accounts.achPayable)).toBe(0)
    await expectLedgerClean(t)
  })

  test('a credit that keeps failing at Plaid is sent again each run, never held against the investor', async () => {
    const note = await maturedNote()
    for (let attempt = 1; attempt <= 4; attempt++) {
      await runWorkerJob(t)
      await simulateTransfer(t, (await readPayout(t, note.id)).transferId ?? '', 'failed')
      await t.deps.syncTransfers()
    }

    // No code names the account: the cause is at Plaid (its Ledger, a risk check), not the bank.
    expect(await readPayout(t, note.id)).toMatchObject({
      state: 'initiated',
      idempotencyKey: `payout:${note.id}:2026-09-02:5`,
    })
    expect(await balance(accounts.investorHeld(ada.userId))).toBe(0)
    expect(await mailOfKind(t, ada.email, 'payout_returned')).toEqual([])
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsSent: 1 })
    await settleSentPayouts(t)
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'paid' })
    expect(await creditsAtPlaid(t)).toHaveLength(5)
    await expectLedgerClean(t)
  })

  test('a failed credit whose code names the account holds the money and asks for a new bank', async () => {
    const note = await maturedNote()
    await runWorkerJob(t)
    await simulateTransfer(t, (await readPayout(t, note.id)).transferId ?? '', 'failed', 'R03')
    await t.deps.syncTransfers()

    expect(await readPayout(t, note.id)).toMatchObject({ state: 'failed', failureCode: 'R03' })
    expect(await balance(accounts.investorHeld(ada.userId))).toBe(104_033)
    expect((await readBankAccount(t, ada.bankAccountId)).status).toBe('closed')
    const [asked] = await mailOfKind(t, ada.email, 'payout_returned')
    expect(asked?.text).toContain('your bank could not find this account (bank return code R03)')
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsSent: 0 })
    await expectLedgerClean(t)
  })

  test('a failure code is read as Plaid writes codes, and one naming no account is sent again', async () => {
    const note = await maturedNote()
    await runWorkerJob(t)
    // A code the bank does not give for an account: no money moved, the credit goes again.
    await simulateTransfer(t, (await readPayout(t, note.id)).transferId ?? '', 'failed', 'R99')
    await t.deps.syncTransfers()
    expect(await readPayout(t, note.id)).toMatchObject({ state: 'initiated', failureCode: 'R99' })
    expect((await readBankAccount(t, ada.bankAccountId)).status).toBe('active')

    await runWorkerJob(t)
    // Written in lower case with a space after it, R03 still says the account is unknown.
    await simulateTransfer(t, (await readPayout(t, note.id)).transferId ?? '', 'failed', 'r03 ')
    await t.deps.syncTransfers()
    expect(await readPayout(t, note.id)).toMatchObject({ state: 'failed', failureCode: 'R03' })
    expect((await readBankAccount(t, ada.bankAccountId)).status).toBe('closed')
    expect(await balance(accounts.investorHeld(ada.userId))).toBe(104_033)
    await expectLedgerClean(t)
  })

  test('events that arrive before the transfer id is stored apply when it is', async () => {
    const note = await maturedNote()
    t.plaid.injectFault({ path: '/transfer/create', mode: 'lost_reply', times: 3 })
    await runWorkerJob(t)
    const { authorizationId } = await readPayout(t, note.id)
    const sdk = createPlaidClient(t.plaid.url)
    const made = await sdk.transferGet({ authorization_id: authorizationId ?? '' })
    await simulateTransfer(t, made.data.transfer.id, 'posted')
    await simulateTransfer(t, made.data.transfer.id, 'settled')
    await t.deps.syncTransfers()
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'matured' })

    await runWorkerJob(t)

    expect(await readPayout(t, note.id)).toMatchObject({ state: 'settled' })
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'paid' })
    await expectLedgerClean(t)
  })
})
