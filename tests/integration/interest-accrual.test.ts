import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { accountBalance, accounts } from '@tenor/db/domain'
import { ledgerTransactions } from '@tenor/db/schema'
import { interestAccrual } from '@tenor/workers/jobs/interest-accrual'
import { eq } from 'drizzle-orm'
import { buyActiveNote, runWorkerJob, settleSentPayouts } from '../support/maturities.ts'
import type { PlaidTestApp } from '../support/plaid.ts'
import {
  type Buyer,
  expectLedgerClean,
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
/** 15:00 UTC on a day of 2026, in the afternoon in New York. */
const afternoonOf = (date: string) => new Date(`${date}T15:00:00Z`)

async function accrualsOf(purchaseId: string) {
  const rows = await t.db.database.db
    .select()
    .from(ledgerTransactions)
    .where(eq(ledgerTransactions.purchaseId, purchaseId))
  return rows
    .filter((row) => row.kind === 'interest_accrued')
    .map((row) => row.effectiveDate)
    .sort()
}

describe('daily interest accrual', () => {
  test('posts what each day adds, once a day, and the maturity run the rest', async () => {
    // $1,000 at 8% simple, Actual/365F, settled 2026-03-02, maturing 2026-09-02: $40.33.
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    const payable = accounts.noteInterestPayable(note.id)

    t.clock.set(afternoonOf('2026-03-12'))
    expect((await runWorkerJob(t, interestAccrual)).counts).toMatchObject({ accrued: 1 })
    // 10 days: 100,000 × 8% × 10 / 365 = 219.18 cents, one rounding of the exact figure.
    expect(await balance(payable)).toBe(219)
    // Later runs the same day find nothing new.
    expect((await runWorkerJob(t, interestAccrual)).counts).toMatchObject({ accrued: 0 })

    t.clock.set(afternoonOf('2026-03-13'))
    await runWorkerJob(t, interestAccrual)
    // 11 days: 241.10 → 241, so this day adds 22, not a rounded daily 21.92.
    expect(await balance(payable)).toBe(241)
    expect(await accrualsOf(note.id)).toEqual(['2026-03-12', '2026-03-13'])
    // A clock set back (development's movable clock) posts nothing and fails nothing.
    t.clock.set(afternoonOf('2026-03-11'))
    expect((await runWorkerJob(t, interestAccrual)).counts).toMatchObject({
      accrued: 0,
      accrualErrors: 0,
    })
    expect(await balance(payable)).toBe(241)

    // The day before maturity accrues to that day; maturity day is the maturity run's.
    t.clock.set(afternoonOf('2026-09-01'))
    await runWorkerJob(t, interestAccrual)
    expect(await balance(payable)).toBe(4011)
    t.clock.set(afternoonOf('2026-09-02'))
    expect((await runWorkerJob(t, interestAccrual)).counts).toMatchObject({ accrued: 0 })
    await runWorkerJob(t)
    await settleSentPayouts(t)

    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'paid' })
    expect(await balance(payable)).toBe(0)
    // The accruals add up to the interest at maturity exactly: $40.33 in all.
    expect(await balance(accounts.issuerInterestExpense(offering.id))).toBe(4033)
    await expectLedgerClean(t)
  })

  test('a debit returned after interest accrued takes the accrued interest back', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    t.clock.set(afternoonOf('2026-03-05'))
    await runWorkerJob(t, interestAccrual)
    expect(await balance(accounts.noteInterestPayable(note.id))).toBe(66)

    await simulateTransfer(t, note.transferId ?? '', 'returned', 'R10')
    await t.deps.syncTransfers()
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'returned' })
    expect(await balance(accounts.noteInterestPayable(note.id))).toBe(0)
    expect(await balance(accounts.issuerInterestExpense(offering.id))).toBe(0)

    // An undone note accrues no more.
    t.clock.set(afternoonOf('2026-03-06'))
    expect((await runWorkerJob(t, interestAccrual)).counts).toMatchObject({ accrued: 0 })
    await expectLedgerClean(t)
  })
})
