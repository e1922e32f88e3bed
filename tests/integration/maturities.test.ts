import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { plaidKeyOf } from '@tenor/api/maturities/records'
import {
  accountBalance,
  accounts,
  accrueInterestPosting,
  checkLedger,
  postTransaction,
  toCalendarDate,
} from '@tenor/db/domain'
import { purchaseEvents, purchases } from '@tenor/db/schema'
import { maturityReminders } from '@tenor/workers/jobs/maturity-reminders'
import { and, eq } from 'drizzle-orm'
import { createPlaidClient } from '../standins/plaid/testing.ts'
import {
  buyActiveNote,
  mailOfKind,
  readPayout,
  runWorkerJob,
  settleSentPayouts,
  signInAgain,
} from '../support/maturities.ts'
import type { PlaidTestApp } from '../support/plaid.ts'
import {
  addBuyer,
  addOffering,
  type Buyer,
  expectLedgerClean,
  readPurchase,
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

describe('maturities job', () => {
  test('pays a matured note by one ACH credit and marks it paid when the credit settles', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    t.plaid.resetCalls()
    t.clock.set(new Date('2026-09-02T14:00:00Z'))

    const run = await runWorkerJob(t)

    expect(run.outcome).toBe('succeeded')
    expect(run.counts).toMatchObject({ matured: 1, paidOut: 1, payoutsSent: 1 })
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'matured' })
    const payout = await readPayout(t, note.id)
    expect(payout).toMatchObject({
      state: 'pending',
      amountCents: 104_033,
      idempotencyKey: `payout:${note.id}:2026-09-02`,
    })
    const [authorization] = t.plaid.calls('/transfer/authorization/create')
    expect(authorization?.idempotencyKey).toBe(plaidKeyOf(payout.idempotencyKey))
    const sdk = createPlaidClient(t.plaid.url)
    const { transfer } = (await sdk.transferGet({ transfer_id: payout.transferId ?? '' })).data
    expect(transfer).toMatchObject({
      type: 'credit',
      network: 'ach',
      ach_class: 'ppd',
      amount: '1040.33',
      description: 'TENOR PAY',
    })
    expect(await balance(accounts.notePrincipal(note.id))).toBe(0)
    expect(await balance(accounts.noteInterestPayable(note.id))).toBe(0)
    expect(await balance(accounts.achPayable)).toBe(104_033)

    const again = await runWorkerJob(t)
    expect(again.counts).toMatchObject({ matured: 0, payoutsSent: 0 })
    expect(t.plaid.calls('/transfer/create')).toHaveLength(1)

    await settleSentPayouts(t)
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'paid' })
    expect(await readPayout(t, note.id)).toMatchObject({ state: 'settled' })
    expect(await balance(accounts.achPayable)).toBe(0)
    expect(await balance(accounts.issuerInterestExpense(offering.id))).toBe(4_033)
    const paid = await mailOfKind(t, ada.email, 'maturity_paid')
    expect(paid).toHaveLength(1)
    expect(paid[0]?.text).toContain('$1,040.33')
    // The portfolio no longer holds it, and still counts what it earned.
    const { token } = await signInAgain(t, ada)
    const { portfolio } = (await (await t.request('/portfolio', { token })).json()) as {
      portfolio: { holdings: unknown[]; totals: { endedInterestCents: number } }
    }
    expect(portfolio.holdings).toEqual([])
    expect(portfolio.totals.endedInterestCents).toBe(4_033)
    await expectLedgerClean(t)

    // A day's accrual posted after the note was paid would owe interest on a closed note.
    const late = accrueInterestPosting({
      purchaseId: note.id,
      offeringId: offering.id,
      userId: ada.userId,
      effectiveDate: toCalendarDate('2026-09-03'),
      accruedCents: 11,
      postedCents: 0,
    })
    if (late) await t.db.database.write((tx) => postTransaction(tx, late))
    const violations = await checkLedger(t.db.database.db)
    expect(violations.map((v) => `${v.rule} ${v.ref} ${v.message}`)).toEqual([
      `closed_note_still_owed ${note.id} note:${note.id}:interest_payable stands at 11 cents though the purchase is paid`,
    ])
  })

  test('leaves a note alone the day before it matures', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    // 23:59 on September 1 in New York, already September 2 in UTC.
    t.clock.set(new Date('2026-09-02T03:59:00Z'))

    const run = await runWorkerJob(t)

    expect(run.counts).toMatchObject({ matured: 0 })
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'active' })
  })

  test('reminds once, ten days before maturity, with the payout and a link to change it', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })

    t.clock.set(new Date('2026-08-22T15:00:00Z'))
    expect((await runWorkerJob(t, maturityReminders)).counts).toMatchObject({ reminded: 0 })
    t.clock.set(new Date('2026-08-23T15:00:00Z'))
    expect((await runWorkerJob(t, maturityReminders)).counts).toMatchObject({ reminded: 1 })
    t.clock.set(new Date('2026-08-26T15:00:00Z'))
    expect((await runWorkerJob(t, maturityReminders)).counts).toMatchObject({ reminded: 0 })

    const reminders = await mailOfKind(t, ada.email, 'maturity_reminder')
    expect(reminders).toHaveLength(1)
    expect(reminders[0]?.subject).toContain('September 2, 2026')
    expect(reminders[0]?.text).toContain('$1,040.33')
    expect(reminders[0]?.text).toContain('until August 27, 2026')
    expect(reminders[0]?.text).toContain(`http://tenor.test/purchases/${note.id}`)
  })

  test('a note left with a rollover but no offering to roll into is reminded of its payout', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    // As notes of offerings stored with a rollover default were made.
    await t.db.database.db
      .update(purchases)
      .set({ maturityInstruction: 'rollover_all', rolloverOfferingId: null })
      .where(eq(purchases.id, note.id))

    t.clock.set(new Date('2026-08-23T15:00:00Z'))
    await runWorkerJob(t, maturityReminders)

    const [reminder] = await mailOfKind(t, ada.email, 'maturity_reminder')
    expect(reminder?.text).toContain('will pay $1,040.33')
    expect(reminder?.text).toContain('to your bank account')
    expect(reminder?.text).not.toContain('roll over')
  })
})

/**
 * A business date is a calendar date in New York. On 2025-03-09 the clocks skip from 02:00 to
 * 03:00, and on 2025-11-02 the hour from 01:00 repeats: neither may skip or repeat a maturity.
 */
describe('maturities on daylight-saving days', () => {
  async function holdNoteMaturingOn(settle: string, window: { opensOn: string; closesOn: string }) {
    t.clock.set(new Date(`${settle}T15:00:00Z`))
    const series = await addOffering(t, window)
    const buyer = await addBuyer(t, `dst-${settle}@example.com`)

    return buyActiveNote(t, buyer, { offeringId: series.id, amountCents: 100_000 })
  }

  async function maturedAt(instant: string): Promise<number> {
    t.clock.set(new Date(instant))
    const run = await runWorkerJob(t)
    expect(run.outcome).toBe('succeeded')

    return Number(run.counts.matured)
  }

  async function expectMaturedOnce(purchaseId: string) {
    const moves = await t.db.database.db
      .select()
      .from(purchaseEvents)
      .where(and(eq(purchaseEvents.purchaseId, purchaseId), eq(purchaseEvents.toState, 'matured')))
    expect(moves).toHaveLength(1)
    expect(t.plaid.calls('/transfer/create')).toHaveLength(1)
    await expectLedgerClean(t)
  }

  test('matures on 2025-03-09, when New York springs forward, once', async () => {
    const note = await holdNoteMaturingOn('2024-09-09', {
      opensOn: '2024-09-01',
      closesOn: '2024-09-30',
    })
    expect(note.maturityDate).toBe('2025-03-09')
    t.plaid.resetCalls()

    expect(await maturedAt('2025-03-09T04:59:00Z')).toBe(0) // 23:59 EST, March 8
    expect(await maturedAt('2025-03-09T05:01:00Z')).toBe(1) // 00:01 EST, March 9
    expect(await maturedAt('2025-03-09T07:30:00Z')).toBe(0) // 03:30 EDT, after the gap
    expect(await maturedAt('2025-03-10T03:59:00Z')).toBe(0) // 23:59 EDT, March 9

    await expectMaturedOnce(note.id)
  })

  test('matures on 2025-11-02, when New York falls back, once', async () => {
    const note = await holdNoteMaturingOn('2025-05-02', {
      opensOn: '2025-04-01',
      closesOn: '2025-05-31',
    })
    expect(note.maturityDate).toBe('2025-11-02')
    t.plaid.resetCalls()

    expect(await maturedAt('2025-11-02T03:59:00Z')).toBe(0) // 23:59 EDT, November 1
    expect(await maturedAt('2025-11-02T04:01:00Z')).toBe(1) // 00:01 EDT, November 2
    expect(await maturedAt('2025-11-02T05:30:00Z')).toBe(0) // 01:30 EDT
    expect(await maturedAt('2025-11-02T06:30:00Z')).toBe(0) // 01:30 EST, the hour again
    expect(await maturedAt('2025-11-03T04:59:00Z')).toBe(0) // 23:59 EST, November 2

    await expectMaturedOnce(note.id)
  })
})
