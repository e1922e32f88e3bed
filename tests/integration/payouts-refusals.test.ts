import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { openAccessToken } from '@tenor/api/plaid/banks'
import { accountBalance, accounts } from '@tenor/db/domain'
import { bankAccounts, plaidItems } from '@tenor/db/schema'
import { and, eq } from 'drizzle-orm'
import { createPlaidClient } from '../standins/plaid/testing.ts'
import {
  creditsAtPlaid,
  linkAnotherBank,
  mailOfKind,
  noteAtMaturity,
  readPayout,
  runWorkerJob,
  settleSentPayouts,
  signInAgain,
} from '../support/maturities.ts'
import type { PlaidTestApp } from '../support/plaid.ts'
import {
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

const held = () => accountBalance(t.db.database.db, accounts.investorHeld(ada.userId))

/** A $1,000 note that matures today, 2026-09-02, paying $1,040.33. */
const maturedNote = () => noteAtMaturity(t, ada, offering.id)

/** The bank connection an account belongs to, as stored. */
async function itemOf(bankAccountId: string) {
  const account = await readBankAccount(t, bankAccountId)
  const item = await t.db.database.db.query.plaidItems.findFirst({
    where: eq(plaidItems.id, account.itemId),
  })
  if (!item) throw new Error(`no item for account ${bankAccountId}`)

  return item
}

/** The investor ends the connection at Plaid's side (my.plaid.com, say): we are not told. */
async function endConnectionAtPlaid(bankAccountId: string) {
  const item = await itemOf(bankAccountId)
  const accessToken = openAccessToken(item, t.deps.env.encryptionKeys)
  await createPlaidClient(t.plaid.url).itemRemove({ access_token: accessToken })
}

async function chooseAccount(purchaseId: string, bankAccountId: string) {
  const { token } = await signInAgain(t, ada)
  return t.request(`/purchases/${purchaseId}/payment/resend`, { json: { bankAccountId }, token })
}

async function paymentOf(purchaseId: string) {
  const { token } = await signInAgain(t, ada)
  const res = await t.request(`/purchases/${purchaseId}`, { token })
  const { purchase } = (await res.json()) as {
    purchase: { payment: { stage: string; reason: string | null } }
  }
  return purchase.payment
}

describe('payouts Plaid refuses for good', () => {
  test('a connection Plaid no longer has holds the payout at once and marks the bank', async () => {
    const note = await maturedNote()
    await endConnectionAtPlaid(ada.bankAccountId)

    const run = await runWorkerJob(t)

    expect(run.counts).toMatchObject({ payoutsHeld: 1, payoutsRefused: 0, payoutsSent: 0 })
    expect(await readPayout(t, note.id)).toMatchObject({
      state: 'failed',
      failureCode: 'ITEM_NOT_FOUND',
      authorizationId: null,
    })
    expect(await itemOf(ada.bankAccountId)).toMatchObject({
      status: 'revoked',
      statusReason: 'ITEM_NOT_FOUND',
    })
    expect(await held()).toBe(104_033)
    expect(await paymentOf(note.id)).toMatchObject({ stage: 'held' })
    expect(await mailOfKind(t, ada.email, 'payout_returned')).toHaveLength(1)
    expect(
      run.lines.some((line) => String(line.msg).includes('the next run tries again')),
    ).toBeFalse()

    // Held, not refused again: later runs leave Plaid alone.
    const calls = t.plaid.calls('/transfer/authorization/create').length
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsHeld: 0, payoutsRefused: 0 })
    expect(t.plaid.calls('/transfer/authorization/create')).toHaveLength(calls)
    await expectLedgerClean(t)
  })

  test('a held payout resent to an account whose connection is gone is held again, and can be resent', async () => {
    const note = await maturedNote()
    const otherAccountId = await linkAnotherBank(t, ada, 'ins_109511')
    await runWorkerJob(t)
    const { transferId } = await readPayout(t, note.id)
    await simulateTransfer(t, transferId ?? '', 'posted')
    await simulateTransfer(t, transferId ?? '', 'returned', 'R02')
    await t.deps.syncTransfers()
    expect(await readPayout(t, note.id)).toMatchObject({ state: 'returned' })

    await endConnectionAtPlaid(otherAccountId)
    expect((await chooseAccount(note.id, otherAccountId)).status).toBe(200)
    const run = await runWorkerJob(t)

    expect(run.counts).toMatchObject({ payoutsHeld: 1, payoutsRefused: 0 })
    expect(await readPayout(t, note.id)).toMatchObject({
      state: 'failed',
      failureCode: 'ITEM_NOT_FOUND',
      resends: 1,
    })
    expect(await paymentOf(note.id)).toMatchObject({ stage: 'held' })
    expect(await held()).toBe(104_033)
    expect(await mailOfKind(t, ada.email, 'payout_returned')).toHaveLength(2)
    // The gone connection cannot be chosen again; the savings account beside the closed one can.
    expect((await chooseAccount(note.id, otherAccountId)).status).toBe(422)
    const [savings] = await t.db.database.db
      .select({ id: bankAccounts.id })
      .from(bankAccounts)
      .where(and(eq(bankAccounts.userId, ada.userId), eq(bankAccounts.subtype, 'savings')))
      .orderBy(bankAccounts.createdAt)
    expect((await chooseAccount(note.id, savings?.id ?? '')).status).toBe(200)

    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsSent: 1 })
    await settleSentPayouts(t)
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'paid' })
    expect(await held()).toBe(0)
    await expectLedgerClean(t)
  })

  test('an account Plaid no longer knows stops being usable and the payout is held', async () => {
    const note = await maturedNote()
    // Account churn: the account id we hold is not one Plaid knows any more.
    await t.db.database.db
      .update(bankAccounts)
      .set({ plaidAccountId: 'gone0000000000000000000000000000000000' })
      .where(eq(bankAccounts.id, ada.bankAccountId))

    const run = await runWorkerJob(t)

    expect(run.counts).toMatchObject({ payoutsHeld: 1, payoutsRefused: 0 })
    expect(await readPayout(t, note.id)).toMatchObject({
      state: 'failed',
      failureCode: 'INVALID_ACCOUNT_ID',
    })
    expect((await readBankAccount(t, ada.bankAccountId)).status).toBe('removed')
    // The connection itself still works for its other accounts.
    expect((await itemOf(ada.bankAccountId)).status).toBe('healthy')
    expect(await held()).toBe(104_033)
    await expectLedgerClean(t)
  })

  test('a connection lost between authorization and transfer holds the money once no credit exists', async () => {
    const note = await maturedNote()
    t.plaid.injectFault({ path: '/transfer/create', mode: 'error500', times: 3 })
    await runWorkerJob(t)
    expect((await readPayout(t, note.id)).authorizationId).not.toBeNull()
    await endConnectionAtPlaid(ada.bankAccountId)

    const run = await runWorkerJob(t)

    expect(run.counts).toMatchObject({ payoutsHeld: 1, payoutsRefused: 0 })
    expect(t.plaid.calls('/transfer/get').length).toBeGreaterThan(0)
    expect(await readPayout(t, note.id)).toMatchObject({
      state: 'failed',
      failureCode: 'ITEM_NOT_FOUND',
      authorizationId: null,
    })
    expect(await creditsAtPlaid(t)).toHaveLength(0)
    expect((await itemOf(ada.bankAccountId)).status).toBe('revoked')
    expect(await held()).toBe(104_033)
    await expectLedgerClean(t)
  })

  test('Plaid not answering the authorization leaves the payout for the next run', async () => {
    const note = await maturedNote()
    t.plaid.injectFault({ path: '/transfer/authorization/create', mode: 'error500', times: 3 })

    const run = await runWorkerJob(t)

    expect(run.counts).toMatchObject({ payoutsWaiting: 1, payoutsHeld: 0 })
    expect(await readPayout(t, note.id)).toMatchObject({ state: 'initiated' })
    expect((await itemOf(ada.bankAccountId)).status).toBe('healthy')
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsSent: 1 })
    expect(await held()).toBe(0)
  })
})
