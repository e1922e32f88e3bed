import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { purchaseEvents, purchases } from '@tenor/db/schema'
import { repayCancelledOfferings } from '@tenor/workers/jobs/cancelled-offerings'
import { maturityReminders } from '@tenor/workers/jobs/maturity-reminders'
import { eq } from 'drizzle-orm'
import {
  buyActiveNote,
  creditsAtPlaid,
  mailOfKind,
  readPayout,
  readRolledNote,
  runWorkerJob,
  settleSentPayouts,
  signInAgain,
} from '../support/maturities.ts'
import { createPlaidTestApp, type PlaidTestApp } from '../support/plaid.ts'
import {
  addBuyer,
  addOffering,
  type Buyer,
  type ErrorBody,
  expectLedgerClean,
  readOffering,
  readPurchase,
  simulateTransfer,
} from '../support/purchases.ts'
import { signUpAdmin } from '../support/users.ts'

/**
 * Notes Tenor repays before the end of their term (an approved refund, a cancelled offering)
 * go back to the investor's bank on their repayment date: the investor can no longer choose a
 * rollover, and is not reminded that they could.
 */

let t: PlaidTestApp
let offering: Awaited<ReturnType<typeof addOffering>>
let target: Awaited<ReturnType<typeof addOffering>>
let ada: Buyer

beforeEach(async () => {
  t = await createPlaidTestApp()
  offering = await addOffering(t)
  target = await addOffering(t, { name: 'Tenor Note Series B', closesOn: '2026-12-31' })
  ada = await addBuyer(t, 'ada@example.com')
})
afterEach(() => t.close())

/** One administrator asks, a second approves; answers the approval's result. */
async function askAndApprove(path: string, reason: string): Promise<string> {
  const maker = await signUpAdmin(t, 'maker@example.com')
  const checker = await signUpAdmin(t, 'checker@example.com')
  const asked = await t.request(path, { json: { reason }, token: maker.token })
  expect(asked.status).toBe(202)
  const { approvalId } = (await asked.json()) as { approvalId: string }
  const approved = await t.request(`/admin/approvals/${approvalId}/approve`, {
    json: {},
    token: checker.token,
  })
  expect(approved.status).toBe(200)

  return ((await approved.json()) as { result: string }).result
}

function refund(purchaseId: string) {
  return askAndApprove(
    `/admin/purchases/${purchaseId}/refund`,
    'Investor asked within the cooling-off period.',
  )
}

function setInstruction(purchaseId: string, body: unknown, buyer: Buyer = ada) {
  return t.request(`/purchases/${purchaseId}/instruction`, {
    method: 'PUT',
    json: body,
    token: buyer.token,
  })
}

const rolloverAll = () => ({ instruction: 'rollover_all', rolloverOfferingSlug: target.slug })

describe('a note repaid early', () => {
  test('PUT /purchases/{id}/instruction refuses a rollover with 409 repayment_scheduled after a refund', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    // Its debit settled today: it is repaid in a week, well before that date's cut-off.
    expect(await refund(note.id)).toContain('repay on 2026-03-09')

    const res = await setInstruction(note.id, rolloverAll())

    expect(res.status).toBe(409)
    const { error } = (await res.json()) as ErrorBody
    expect(error.code).toBe('repayment_scheduled')
    expect(error.message).toBe(
      'Tenor is repaying this note early, on March 9, 2026, because a refund was approved. It is paid to your bank account, so what happens at maturity can no longer change.',
    )
    expect(await readPurchase(t, note.id)).toMatchObject({
      maturityInstruction: 'payout',
      rolloverOfferingId: null,
      repaymentReason: 'refund',
      repaymentScheduledAt: t.clock.now(),
    })
  })

  test('is paid out on its repayment date even though the investor tried to roll it over', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    // Chosen before the refund: the refund sets it back to a payout.
    expect((await setInstruction(note.id, rolloverAll())).status).toBe(200)
    await refund(note.id)
    expect((await setInstruction(note.id, rolloverAll())).status).toBe(409)
    const principal = { instruction: 'rollover_principal', rolloverOfferingSlug: target.slug }
    expect((await setInstruction(note.id, principal)).status).toBe(409)

    t.clock.set(new Date('2026-03-09T15:00:00Z'))
    await runWorkerJob(t)
    await runWorkerJob(t)

    expect(await readRolledNote(t, note.id)).toBeUndefined()
    // $1,000 at 8% simple for the 7 days it was held.
    expect((await readPayout(t, note.id)).amountCents).toBe(100_153)
    expect(await creditsAtPlaid(t)).toHaveLength(1)
    expect(await settleSentPayouts(t)).toBe(1)
    expect((await readPurchase(t, note.id)).state).toBe('paid')
    expect(await readOffering(t, target.id)).toMatchObject({ reservedCents: 0 })
    await expectLedgerClean(t)
  })

  test('is paid out by the maturity job even if its stored instruction says rollover', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    await refund(note.id)
    // However the instruction came to change, the early repayment wins.
    await t.db.database.db
      .update(purchases)
      .set({ maturityInstruction: 'rollover_all', rolloverOfferingId: target.id })
      .where(eq(purchases.id, note.id))

    t.clock.set(new Date('2026-03-09T15:00:00Z'))
    const run = await runWorkerJob(t)

    expect(run.counts).toMatchObject({ matured: 1 })
    expect(await readRolledNote(t, note.id)).toBeUndefined()
    expect((await readPayout(t, note.id)).amountCents).toBe(100_153)
  })

  test("a cancelled offering's note cannot be switched to a rollover, and no reminder says it can", async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    const result = await askAndApprove(
      `/admin/offerings/${offering.id}/cancel`,
      'The series did not fund.',
    )
    expect(result).toContain('1 note set to be repaid')
    expect(await readPurchase(t, note.id)).toMatchObject({
      maturityDate: '2026-03-09',
      repaymentReason: 'offering_cancelled',
    })

    const res = await setInstruction(note.id, rolloverAll())
    expect(res.status).toBe(409)
    const { error } = (await res.json()) as ErrorBody
    expect(error.code).toBe('repayment_scheduled')
    expect(error.message).toContain('because its offering was cancelled')

    // March 9 is within ten days and before its cut-off: an ordinary note would be reminded.
    const reminders = await runWorkerJob(t, maturityReminders)
    expect(reminders.counts).toMatchObject({ reminded: 0, reminderErrors: 0 })
    expect(await mailOfKind(t, ada.email, 'maturity_reminder')).toHaveLength(0)

    t.clock.set(new Date('2026-03-09T15:00:00Z'))
    await runWorkerJob(t)
    expect(await readRolledNote(t, note.id)).toBeUndefined()
    expect((await readPayout(t, note.id)).amountCents).toBe(100_153)
  })

  test('the worker sets each note of a cancelled offering to be repaid once', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    await askAndApprove(`/admin/offerings/${offering.id}/cancel`, 'The series did not fund.')

    t.clock.set(new Date('2026-03-03T15:00:00Z'))
    const run = await runWorkerJob(t, repayCancelledOfferings)

    expect(run.counts).toMatchObject({ notesToRepay: 0 })
    const history = await t.db.database.db
      .select()
      .from(purchaseEvents)
      .where(eq(purchaseEvents.purchaseId, note.id))
    expect(history.filter((step) => step.reason.startsWith('offering cancelled'))).toHaveLength(1)
  })

  test('a refund asked before the offering was cancelled, and approved after, keeps the first repayment and says so', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    const maker = await signUpAdmin(t, 'maker2@example.com')
    const checker = await signUpAdmin(t, 'checker2@example.com')
    const askRefund = () =>
      t.request(`/admin/purchases/${note.id}/refund`, {
        json: { reason: 'Investor asked within the cooling-off period.' },
        token: maker.token,
      })
    const asked = await askRefund()
    expect(asked.status).toBe(202)
    const { approvalId } = (await asked.json()) as { approvalId: string }
    await askAndApprove(`/admin/offerings/${offering.id}/cancel`, 'The series did not fund.')

    const approved = await t.request(`/admin/approvals/${approvalId}/approve`, {
      json: {},
      token: checker.token,
    })

    expect(((await approved.json()) as { result: string }).result).toBe(
      'not applied: the note is set to be repaid on 2026-03-09 already, as its offering was cancelled',
    )
    expect(await readPurchase(t, note.id)).toMatchObject({
      maturityDate: '2026-03-09',
      repaymentReason: 'offering_cancelled',
    })
    const again = await askRefund()
    expect(again.status).toBe(409)
    expect(((await again.json()) as { error: { message: string } }).error.message).toBe(
      'This note is already set to be repaid on March 9, 2026, as its offering was cancelled; a refund would change nothing.',
    )
  })

  test('an ordinary note is still reminded, and can still be rolled over', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })

    t.clock.set(new Date('2026-08-24T15:00:00Z'))
    ada = await signInAgain(t, ada)

    expect((await setInstruction(note.id, rolloverAll())).status).toBe(200)
    expect((await runWorkerJob(t, maturityReminders)).counts).toMatchObject({ reminded: 1 })
  })
})

describe('the investor is told', () => {
  test('GET /purchases/{id} shows the repayment date and the interest to it after a refund', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    await refund(note.id)

    const res = await t.request(`/purchases/${note.id}`, { token: ada.token })

    expect(res.status).toBe(200)
    const { purchase } = (await res.json()) as { purchase: Record<string, unknown> }
    expect(purchase).toMatchObject({
      maturityDate: '2026-03-09',
      maturityInstruction: 'payout',
      payout: {
        startDate: '2026-03-02',
        maturityDate: '2026-03-09',
        interestCents: 153,
        totalCents: 100_153,
      },
      earlyRepayment: {
        reason: 'refund',
        repaymentDate: '2026-03-09',
        scheduledAt: t.clock.now().toISOString(),
      },
      instructionChangeable: false,
      instructionChangeableUntil: null,
    })
    // The step that set the repayment says so, rather than repeating "active".
    const history = purchase.history as { from: string; to: string; note: string | null }[]
    expect(history.at(-1)).toMatchObject({
      from: 'active',
      to: 'active',
      note: 'A refund was approved: the note is repaid early',
    })
    expect(history.filter((step) => step.note !== null)).toHaveLength(1)
  })

  test('the portfolio history and the statement say a refunded note was repaid early', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    const kept = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 50_000 })
    await refund(note.id)

    const res = await t.request('/portfolio', { token: ada.token })
    const { portfolio } = (await res.json()) as {
      portfolio: { history: { id: string; repaidEarly: boolean }[] }
    }
    expect(portfolio.history.map(({ id, repaidEarly }) => ({ id, repaidEarly }))).toEqual([
      { id: kept.id, repaidEarly: false },
      { id: note.id, repaidEarly: true },
    ])
    const statement = await (
      await t.request('/portfolio/statement.csv', { token: ada.token })
    ).text()
    const line = statement.split('\r\n').find((row) => row.startsWith(note.id))
    expect(line).toEndWith(',Repaid early: refunded by Tenor; maturity_date is the repayment date')
  })

  test('a refunded note whose debit then comes back is repaid nothing, and says so everywhere', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    await refund(note.id)
    await simulateTransfer(t, note.transferId ?? '', 'returned', 'R01')
    await t.deps.syncTransfers()
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'returned' })

    const page = await t.request(`/purchases/${note.id}`, { token: ada.token })
    expect(await page.json()).toMatchObject({ purchase: { earlyRepayment: null } })
    const res = await t.request('/portfolio', { token: ada.token })
    expect(await res.json()).toMatchObject({
      portfolio: { history: [{ id: note.id, repaidEarly: false }] },
    })
    const statement = await (
      await t.request('/portfolio/statement.csv', { token: ada.token })
    ).text()
    const line = statement.split('\r\n').find((row) => row.startsWith(note.id)) ?? ''
    expect(line).not.toContain('Repaid early')
    // No maturity date for a purchase that is undone.
    expect(line.split(',')[7]).toBe('')
    // The repayment email, not sent yet, goes no further; the return's email says why.
    const [repayment] = await mailOfKind(t, ada.email, 'early_repayment')
    expect(repayment?.status).toBe('suppressed')
    const [returned] = await mailOfKind(t, ada.email, 'purchase_returned')
    expect(returned?.text).toContain('The early repayment we wrote to you about will not be made')
    await expectLedgerClean(t)
  })

  test('an approved refund emails the investor once, with the day and the amounts', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    await refund(note.id)
    await runWorkerJob(t, repayCancelledOfferings)

    const emails = await mailOfKind(t, ada.email, 'early_repayment')
    expect(emails).toHaveLength(1)
    expect(emails[0]?.subject).toBe('Tenor is repaying your Tenor Note Series A note early')
    // It says why: a refund, as the note's page does.
    expect(emails[0]?.text).toContain('Your purchase is refunded, so Tenor is repaying your')
    expect(emails[0]?.text).toContain(
      'On March 9, 2026 we pay $1,001.53: your $1,000.00 principal and $1.53 of interest to that day, to your bank account.',
    )
    expect(emails[0]?.text).toContain('can no longer come back')
    expect(emails[0]?.text).toContain(`http://tenor.test/purchases/${note.id}`)
  })

  test('a note refunded long after its debit settled is repaid today, and the email says so', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    await t.db.database.db
      .update(purchases)
      .set({ settledOn: '2026-01-30' })
      .where(eq(purchases.id, note.id))

    expect(await refund(note.id)).toContain('repay today')

    const [email] = await mailOfKind(t, ada.email, 'early_repayment')
    expect(email?.text).toContain('Today we start paying $1,006.79')
  })

  test('cancelling an offering emails each investor whose note it repays, once', async () => {
    const bob = await addBuyer(t, 'bob@example.com')
    await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    await buyActiveNote(t, bob, { offeringId: offering.id, amountCents: 50_000 })

    await askAndApprove(`/admin/offerings/${offering.id}/cancel`, 'The series did not fund.')
    await runWorkerJob(t, repayCancelledOfferings)

    for (const buyer of [ada, bob]) {
      const emails = await mailOfKind(t, buyer.email, 'early_repayment')
      expect(emails).toHaveLength(1)
      expect(emails[0]?.text).toContain('Tenor Note Series A has been cancelled')
      expect(emails[0]?.text).toContain('On March 9, 2026 we pay')
    }
  })
})
