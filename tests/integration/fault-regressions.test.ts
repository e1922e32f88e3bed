import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { accountBalance, accounts, calculateInterest, toCalendarDate } from '@tenor/db/domain'
import { offerings, purchases } from '@tenor/db/schema'
import { interestAccrual } from '@tenor/workers/jobs/interest-accrual'
import { eq } from 'drizzle-orm'
import {
  buyActiveNote,
  creditsAtPlaid,
  readPayout,
  runWorkerJob,
  settleSentPayouts,
  signInAgain,
} from '../support/maturities.ts'
import { createPlaidTestApp, type PlaidTestApp } from '../support/plaid.ts'
import {
  addBuyer,
  addOffering,
  type Buyer,
  buy,
  expectLedgerClean,
  type PurchaseBody,
  readOffering,
  readPurchase,
  simulateTransfer,
} from '../support/purchases.ts'
import { signUpAdmin } from '../support/users.ts'

/** Bugs the money-invariants fault suite found, each pinned by a focused test. */

let t: PlaidTestApp
beforeEach(async () => {
  t = await createPlaidTestApp()
})
afterEach(() => t.close())

/** A $1,000 note of one series, active, told to roll over into a second series at maturity. */
async function noteToRollOver() {
  const offering = await addOffering(t)
  const target = await addOffering(t, { name: 'Tenor Note Series B', closesOn: '2027-03-31' })
  const ada = await addBuyer(t, 'ada@example.com')
  const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
  const instructed = await t.request(`/purchases/${note.id}/instruction`, {
    method: 'PUT',
    json: { instruction: 'rollover_all', rolloverOfferingSlug: target.slug },
    token: ada.token,
  })
  expect(instructed.status).toBe(200)

  return { offering, note, ada }
}

/** A second administrator approves what the first asked for; answers the approval's result. */
async function approveAsSecondAdmin(ask: (token: string) => Promise<Response>) {
  const maker = await signUpAdmin(t, 'maker@example.com')
  const checker = await signUpAdmin(t, 'checker@example.com')
  const asked = await ask(maker.token)
  expect(asked.status).toBe(202)
  const { approvalId } = (await asked.json()) as { approvalId: string }
  const approved = await t.request(`/admin/approvals/${approvalId}/approve`, {
    json: {},
    token: checker.token,
  })
  expect(approved.status).toBe(200)

  return ((await approved.json()) as { result: string }).result
}

// A $1,000 note at 8% simple, Actual/365F, from 2026-03-02 to 2026-09-02.
const interestToMaturity = calculateInterest({
  rateBps: 800,
  rateType: 'simple',
  compounding: null,
  dayCount: 'act_365f',
  principalCents: 100_000,
  startDate: toCalendarDate('2026-03-02'),
  maturityDate: toCalendarDate('2026-09-02'),
})

describe('repaying a note past its maturity date', () => {
  test('a refund approved after the term ended pays interest to the maturity date, not beyond', async () => {
    const offering = await addOffering(t)
    const ada = await addBuyer(t, 'ada@example.com')
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    // The note fell due on 2026-09-02; the maturity job has not paid it yet.
    t.clock.set(new Date('2026-09-14T15:00:00Z'))

    const result = await approveAsSecondAdmin((token) =>
      t.request(`/admin/purchases/${note.id}/refund`, {
        json: { reason: 'The investor asked for the money back.' },
        token,
      }),
    )
    expect(result).not.toContain('not applied')
    expect((await readPurchase(t, note.id)).maturityDate).toBe('2026-09-02')
    await runWorkerJob(t)

    expect((await readPayout(t, note.id)).amountCents).toBe(100_000 + interestToMaturity)
    await expectLedgerClean(t)
  })

  test('cancelling an offering repays an overdue rollover note to its maturity date', async () => {
    const { offering, note } = await noteToRollOver()
    t.clock.set(new Date('2026-09-14T15:00:00Z'))
    // The series closed at the end of its window; closed offerings may still be cancelled.
    await t.db.database.db
      .update(offerings)
      .set({ status: 'closed' })
      .where(eq(offerings.id, offering.id))

    await approveAsSecondAdmin((token) =>
      t.request(`/admin/offerings/${offering.id}/cancel`, {
        json: { reason: 'The series did not fund.' },
        token,
      }),
    )
    expect((await readOffering(t, offering.id)).status).toBe('cancelled')
    const repaid = await readPurchase(t, note.id)
    expect(repaid.maturityDate).toBe('2026-09-02')
    expect(repaid.maturityInstruction).toBe('payout')
    await runWorkerJob(t)

    expect((await readPayout(t, note.id)).amountCents).toBe(100_000 + interestToMaturity)
    await expectLedgerClean(t)
  })
})

describe('repaying a note whose interest accrued past the repayment date', () => {
  test('a refund after the clock was set back pays interest to the repayment date and takes the excess back', async () => {
    const offering = await addOffering(t)
    const ada = await addBuyer(t, 'ada@example.com')
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    // Ten days accrue ($2.19); then the (development) clock goes back to the third day.
    t.clock.set(new Date('2026-03-12T15:00:00Z'))
    await runWorkerJob(t, interestAccrual)
    const payable = accounts.noteInterestPayable(note.id)
    expect(await accountBalance(t.db.database.db, payable)).toBe(219)
    t.clock.set(new Date('2026-03-05T15:00:00Z'))

    await approveAsSecondAdmin((token) =>
      t.request(`/admin/purchases/${note.id}/refund`, {
        json: { reason: 'The investor asked for the money back.' },
        token,
      }),
    )
    const run = await runWorkerJob(t)

    // Repaid a week after it settled, on 2026-03-09, before the ten days already accrued.
    expect(run.counts).toMatchObject({ matured: 0, maturityErrors: 0 })
    t.clock.set(new Date('2026-03-09T15:00:00Z'))
    expect((await runWorkerJob(t)).counts).toMatchObject({ matured: 1, maturityErrors: 0 })
    // Seven days' interest: 100,000 × 8% × 7 / 365 = 153.42 → 153 cents.
    expect((await readPayout(t, note.id)).amountCents).toBe(100_153)
    expect(await accountBalance(t.db.database.db, payable)).toBe(0)
    expect(
      await accountBalance(t.db.database.db, accounts.issuerInterestExpense(offering.id)),
    ).toBe(153)
    await expectLedgerClean(t)
  })
})

describe('a rate change for new purchases', () => {
  test('leaves a note already sold at its own rate, in its payout and its portfolio', async () => {
    const offering = await addOffering(t)
    const ada = await addBuyer(t, 'ada@example.com')
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })

    const result = await approveAsSecondAdmin((token) =>
      t.request(`/admin/offerings/${offering.id}/rate`, { json: { rateBps: 1000 }, token }),
    )
    expect(result).toBe('rate changed to 10.00% for new purchases')
    expect((await readOffering(t, offering.id)).rateBps).toBe(1000)
    expect((await readPurchase(t, note.id)).rateBps).toBe(800)
    const portfolio = await t.request('/portfolio', { token: ada.token })
    const { holdings } = (
      (await portfolio.json()) as {
        portfolio: { holdings: { purchaseId: string; interestAtMaturityCents: number }[] }
      }
    ).portfolio
    expect(holdings.find((h) => h.purchaseId === note.id)?.interestAtMaturityCents).toBe(
      interestToMaturity,
    )

    t.clock.set(new Date('2026-09-02T15:00:00Z'))
    await runWorkerJob(t)

    expect((await readPayout(t, note.id)).amountCents).toBe(100_000 + interestToMaturity)
    await expectLedgerClean(t)
  })

  test('leaves the "note is active" email of a note bought before it at the note\'s own rate', async () => {
    const offering = await addOffering(t)
    const ada = await addBuyer(t, 'ada@example.com')
    const res = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    const { purchase } = (await res.json()) as PurchaseBody
    await approveAsSecondAdmin((token) =>
      t.request(`/admin/offerings/${offering.id}/rate`, { json: { rateBps: 1000 }, token }),
    )

    // The debit settles after the change.
    const { transferId } = await readPurchase(t, purchase.id)
    await simulateTransfer(t, transferId ?? '', 'posted')
    await simulateTransfer(t, transferId ?? '', 'settled')
    await t.deps.syncTransfers()

    const [active] = (await t.mailbox(ada.email)).filter((m) => m.kind === 'purchase_active')
    const payout = (100_000 + interestToMaturity) / 100
    expect(active?.text).toContain(`pays $${payout.toLocaleString('en-US')}`)
  })
})

describe('a debit returned after its note matured', () => {
  test('withholds the payout not yet sent, sending no credit', async () => {
    const offering = await addOffering(t)
    const ada = await addBuyer(t, 'ada@example.com')
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    // The note matures while Plaid refuses the payout's authorization, so it waits.
    t.plaid.injectFault({ path: '/transfer/authorization/create', mode: 'error500', times: 10 })
    t.clock.set(new Date('2026-09-02T15:00:00Z'))
    await runWorkerJob(t)
    expect((await readPurchase(t, note.id)).state).toBe('matured')
    expect((await readPayout(t, note.id)).state).toBe('initiated')
    t.plaid.clearFaults()

    await simulateTransfer(t, note.transferId ?? '', 'returned', 'R10')
    await t.deps.syncTransfers()
    await runWorkerJob(t)

    const payout = await readPayout(t, note.id)
    expect(payout.state).toBe('initiated')
    expect(payout.authorizationId).toBeNull()
    expect(await creditsAtPlaid(t)).toEqual([])
    expect(await paymentStageOf(ada, note.id)).toBe('in_review')
  })

  test('says so on the note, whose payout had already gone, and on no other', async () => {
    const offering = await addOffering(t)
    const ada = await addBuyer(t, 'ada@example.com')
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    const other = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    t.clock.set(new Date('2026-09-02T15:00:00Z'))
    await runWorkerJob(t)
    await settleSentPayouts(t)
    expect(await returnedLateOf(ada, note.id)).toBe(false)

    await simulateTransfer(t, note.transferId ?? '', 'returned', 'R10')
    await t.deps.syncTransfers()

    expect((await readPurchase(t, note.id)).state).toBe('paid')
    expect(await returnedLateOf(ada, note.id)).toBe(true)
    expect(await returnedLateOf(ada, other.id)).toBe(false)
  })

  test('withholds the payout of the note it was rolled over into', async () => {
    const { note, ada } = await noteToRollOver()
    t.clock.set(new Date('2026-09-02T15:00:00Z'))
    await runWorkerJob(t)
    const [rolled] = await t.db.database.db
      .select()
      .from(purchases)
      .where(eq(purchases.rolledFromPurchaseId, note.id))
    expect(rolled?.state).toBe('active')

    // Sixty days is the window for an unauthorized-debit return; this one lands after the roll.
    await simulateTransfer(t, note.transferId ?? '', 'returned', 'R10')
    await t.deps.syncTransfers()
    t.clock.set(new Date(`${rolled?.maturityDate}T15:00:00Z`))
    await runWorkerJob(t)

    expect((await readPurchase(t, rolled?.id ?? '')).state).toBe('matured')
    const payout = await readPayout(t, rolled?.id ?? '')
    expect(payout.state).toBe('initiated')
    expect(payout.authorizationId).toBeNull()
    expect(await creditsAtPlaid(t)).toEqual([])
    expect(await paymentStageOf(ada, rolled?.id ?? '')).toBe('in_review')
  })
})

/** Whether the investor's purchase page says the note's debit came back after it matured. */
async function returnedLateOf(buyer: Buyer, purchaseId: string) {
  const { token } = await signInAgain(t, buyer)
  const res = await t.request(`/purchases/${purchaseId}`, { token })
  const { purchase } = (await res.json()) as { purchase: { debitReturnedAfterMaturity: boolean } }
  return purchase.debitReturnedAfterMaturity
}

/** The stage of a note's payment as the investor's purchase page reads it. */
async function paymentStageOf(buyer: Buyer, purchaseId: string) {
  const { token } = await signInAgain(t, buyer)
  const res = await t.request(`/purchases/${purchaseId}`, { token })
  expect(res.status).toBe(200)
  const { purchase } = (await res.json()) as { purchase: { payment: { stage: string } | null } }
  return purchase.payment?.stage
}
