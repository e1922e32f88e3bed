import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { reconcileStalePurchases } from '@tenor/api/purchases/reconcile'
import { newId } from '@tenor/db'
import { adminApprovals, auditEvents, purchases } from '@tenor/db/schema'
import { repayCancelledOfferings } from '@tenor/workers/jobs/cancelled-offerings'
import { and, eq } from 'drizzle-orm'
import {
  buyActiveNote,
  creditsAtPlaid,
  mailOfKind,
  readPayout,
  runWorkerJob,
  settleSentPayouts,
  signInAgain,
} from '../support/maturities.ts'
import { createPlaidTestApp, type PlaidTestApp } from '../support/plaid.ts'
import {
  addBuyer,
  addOffering,
  buy,
  expectLedgerClean,
  readOffering,
  readPurchase,
  simulateTransfer,
} from '../support/purchases.ts'
import { signUpAdmin } from '../support/users.ts'

let t: PlaidTestApp
let maker: { token: string; userId: string }
let checker: { token: string; userId: string }

beforeEach(async () => {
  t = await createPlaidTestApp()
  maker = await signUpAdmin(t, 'maker@example.com')
  checker = await signUpAdmin(t, 'checker@example.com')
})
afterEach(() => t.close())

/** The maker asks for a refund; answers the request waiting for the checker. */
async function askRefund(purchaseId: string, reason: string): Promise<string> {
  const asked = await t.request(`/admin/purchases/${purchaseId}/refund`, {
    json: { reason },
    token: maker.token,
  })
  expect(asked.status).toBe(202)
  return ((await asked.json()) as { approvalId: string }).approvalId
}

/** The maker asks to cancel an offering that did not fund; answers the waiting request. */
async function askCancel(offeringId: string): Promise<string> {
  const asked = await t.request(`/admin/offerings/${offeringId}/cancel`, {
    json: { reason: 'The series did not fund.' },
    token: maker.token,
  })
  expect(asked.status).toBe(202)
  return ((await asked.json()) as { approvalId: string }).approvalId
}

async function approve(approvalId: string) {
  const res = await t.request(`/admin/approvals/${approvalId}/approve`, {
    json: {},
    token: checker.token,
  })
  expect(res.status).toBe(200)
  return (await res.json()) as { state: string; result: string }
}

describe('refunds need a second administrator', () => {
  test('a second admin approves a refund; the investor is repaid with interest to date, once', async () => {
    const offering = await addOffering(t)
    const ada = await addBuyer(t, 'ada@example.com')
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    // A note bought a month ago: it has earned interest to date.
    await t.db.database.db
      .update(purchases)
      .set({ settledOn: '2026-01-30' })
      .where(eq(purchases.id, note.id))

    const approvalId = await askRefund(note.id, 'Investor asked within the cooling-off period.')
    expect((await readPurchase(t, note.id)).state).toBe('active')

    expect((await approve(approvalId)).result).toContain('repay today')
    const listed = await t.request('/admin/approvals?state=executed', { token: checker.token })
    const { approvals } = (await listed.json()) as {
      approvals: { id: string; decidedAt: string; executedAt: string | null }[]
    }
    expect(approvals.find((a) => a.id === approvalId)?.executedAt).toBe(t.clock.now().toISOString())
    await runWorkerJob(t)
    await runWorkerJob(t)
    const payout = await readPayout(t, note.id)
    expect(payout.amountCents).toBeGreaterThan(100_000)
    expect(await settleSentPayouts(t)).toBe(1)
    expect((await readPurchase(t, note.id)).state).toBe('paid')
    await expectLedgerClean(t)
  })

  test('cancelling an unfunded offering cancels pending debits and repays settled notes', async () => {
    const offering = await addOffering(t)
    const ada = await addBuyer(t, 'ada@example.com')
    const bob = await addBuyer(t, 'bob@example.com')
    const settled = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    const pendingRes = await buy(t, bob, { offeringId: offering.id, amountCents: 50_000 })
    const pending = ((await pendingRes.json()) as { purchase: { id: string } }).purchase

    const approvalId = await askCancel(offering.id)
    const outcome = await approve(approvalId)
    expect(outcome.result).toContain('1 pending debit cancelled')
    expect((await readOffering(t, offering.id)).status).toBe('cancelled')
    expect(await readPurchase(t, pending.id)).toMatchObject({
      state: 'cancelled',
      failureReason:
        'Tenor cancelled this purchase before the bank transfer was sent, because the offering was cancelled.',
    })
    expect(await mailOfKind(t, bob.email, 'purchase_cancelled')).toHaveLength(1)

    // Its debit settled today: it is repaid a week on, when the debit can no longer come back.
    await runWorkerJob(t)
    expect(await readPurchase(t, settled.id)).toMatchObject({
      state: 'active',
      maturityDate: '2026-03-09',
    })
    t.clock.set(new Date('2026-03-09T15:00:00Z'))
    await runWorkerJob(t)
    await runWorkerJob(t)
    expect(await settleSentPayouts(t)).toBe(1)
    expect((await readPurchase(t, settled.id)).state).toBe('paid')
    expect((await readOffering(t, offering.id)).reservedCents).toBe(100_000)
    await expectLedgerClean(t)
  })

  test('a debit on its way when the offering was cancelled is set to be repaid as it settles', async () => {
    const offering = await addOffering(t)
    const ada = await addBuyer(t, 'ada@example.com')
    const res = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    const { purchase } = (await res.json()) as { purchase: { id: string } }
    const { transferId } = await readPurchase(t, purchase.id)
    // Posted: too late to cancel at Plaid, so the cancellation leaves it to settle.
    await simulateTransfer(t, transferId ?? '', 'posted')
    await t.deps.syncTransfers()
    const approvalId = await askCancel(offering.id)
    expect((await approve(approvalId)).result).toContain('0 notes set to be repaid')

    await simulateTransfer(t, transferId ?? '', 'settled')
    await t.deps.syncTransfers()
    // Set to be repaid in the settlement's own transaction, a week after it: the investor hears
    // of the repayment, never of a note running its full term.
    expect(await readPurchase(t, purchase.id)).toMatchObject({
      state: 'active',
      settledOn: '2026-03-02',
      maturityDate: '2026-03-09',
      repaymentReason: 'offering_cancelled',
    })
    expect(await mailOfKind(t, ada.email, 'purchase_active')).toHaveLength(0)
    expect(await mailOfKind(t, ada.email, 'early_repayment')).toHaveLength(1)
    expect((await runWorkerJob(t, repayCancelledOfferings)).counts).toMatchObject({
      notesToRepay: 0,
    })
    await expectLedgerClean(t)
  })

  test('refunding a purchase whose debit is still pending cancels it, and the trail says so', async () => {
    const offering = await addOffering(t)
    const ada = await addBuyer(t, 'ada@example.com')
    const res = await buy(t, ada, { offeringId: offering.id, amountCents: 50_000 })
    const { purchase } = (await res.json()) as { purchase: { id: string } }

    const approvalId = await askRefund(purchase.id, 'Bought twice by mistake.')
    expect((await approve(approvalId)).result).toBe('debit cancelled before it went out')
    expect((await readPurchase(t, purchase.id)).state).toBe('cancelled')
    // The investor is told Tenor cancelled it, not that they did.
    const [email] = await mailOfKind(t, ada.email, 'purchase_cancelled')
    expect(email?.text).toContain(
      'The reason: Tenor cancelled this purchase before the bank transfer was sent, as your refund was approved.',
    )
    const audit = await t.request(`/admin/audit?targetId=${purchase.id}`, { token: checker.token })
    const { events } = (await audit.json()) as { events: { action: string }[] }
    expect(events.map((e) => e.action)).toContain('purchase.refunded')
    await expectLedgerClean(t)
  })

  test('a refund whose cancel Plaid does not answer is recorded as failed, in words that say so, and can be asked again', async () => {
    const offering = await addOffering(t)
    const ada = await addBuyer(t, 'ada@example.com')
    const res = await buy(t, ada, { offeringId: offering.id, amountCents: 50_000 })
    const { purchase } = (await res.json()) as { purchase: { id: string } }
    const approvalId = await askRefund(purchase.id, 'Bought twice by mistake.')
    t.plaid.injectFault({ path: '/transfer/cancel', mode: 'error500', times: 5 })

    // Not "too late", nor an unexpected error: Plaid did not answer.
    expect(await approve(approvalId)).toEqual({
      state: 'failed',
      result:
        'failed: The bank connection service is having trouble. Try again shortly. Check the audit trail for what it did, then ask again.',
    })
    expect((await readPurchase(t, purchase.id)).state).toBe('pending')
    t.plaid.clearFaults()
    const again = await approve(await askRefund(purchase.id, 'Bought twice by mistake.'))
    expect(again).toMatchObject({ state: 'executed', result: 'debit cancelled before it went out' })
    expect((await readPurchase(t, purchase.id)).state).toBe('cancelled')
    await expectLedgerClean(t)
  })

  test('a debit that became pending after the offering was cancelled is cancelled by the worker', async () => {
    const offering = await addOffering(t)
    const bob = await addBuyer(t, 'bob@example.com')
    // Plaid does not answer: the purchase is still confirming when the offering is cancelled.
    t.plaid.injectFault({ path: '/transfer/create', mode: 'error500', times: 10 })
    const res = await buy(t, bob, { offeringId: offering.id, amountCents: 50_000 })
    expect(res.status).toBe(202)
    const { purchase } = (await res.json()) as { purchase: { id: string } }

    const approvalId = await askCancel(offering.id)
    expect((await approve(approvalId)).result).toContain('0 pending debits cancelled')

    // Plaid answers again; reconciliation makes the debit, then the worker cancels it.
    t.plaid.clearFaults()
    t.clock.advance(5 * 60 * 1000)
    await reconcileStalePurchases(t.deps)
    expect((await readPurchase(t, purchase.id)).state).toBe('pending')
    const run = await runWorkerJob(t, repayCancelledOfferings)
    expect(run.counts).toMatchObject({ debitsCancelled: 1, debitsNotCancelled: 0 })
    expect((await readPurchase(t, purchase.id)).state).toBe('cancelled')
    expect((await readOffering(t, offering.id)).reservedCents).toBe(0)
    await expectLedgerClean(t)
  })

  test('a note refunded days after its debit settled is repaid once the debit cannot come back', async () => {
    const offering = await addOffering(t)
    const ada = await addBuyer(t, 'ada@example.com')
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    // Its debit settled two days ago.
    await t.db.database.db
      .update(purchases)
      .set({ settledOn: '2026-02-28' })
      .where(eq(purchases.id, note.id))

    const approvalId = await askRefund(note.id, 'Investor changed their mind.')
    expect((await approve(approvalId)).result).toBe(
      'note set to repay on 2026-03-07, once its debit can no longer come back, with interest to that day',
    )
    // The investor's portfolio dates it by its repayment, and says it is repaid early.
    const { token } = await signInAgain(t, ada)
    const held = (await (await t.request('/portfolio', { token })).json()) as {
      portfolio: { holdings: { purchaseId: string; maturityDate: string; repaidEarly: boolean }[] }
    }
    expect(held.portfolio.holdings).toEqual([
      expect.objectContaining({
        purchaseId: note.id,
        maturityDate: '2026-03-07',
        repaidEarly: true,
      }),
    ])
    await runWorkerJob(t)
    expect(await creditsAtPlaid(t)).toHaveLength(0)

    // A return within the window undoes the note instead: nothing was paid out.
    await simulateTransfer(t, note.transferId ?? '', 'returned', 'R01')
    await t.deps.syncTransfers()
    t.clock.set(new Date('2026-03-07T15:00:00Z'))
    await runWorkerJob(t)
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'returned' })
    expect(await creditsAtPlaid(t)).toHaveLength(0)
    await expectLedgerClean(t)
  })

  test('refuses a refund of a note already set to be repaid with 409 repayment_scheduled', async () => {
    const offering = await addOffering(t)
    const ada = await addBuyer(t, 'ada@example.com')
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    expect((await approve(await askRefund(note.id, 'Investor changed their mind.'))).result).toBe(
      'note set to repay on 2026-03-09, once its debit can no longer come back, with interest to that day',
    )

    const again = await t.request(`/admin/purchases/${note.id}/refund`, {
      json: { reason: 'Asked again by mistake.' },
      token: maker.token,
    })

    expect(again.status).toBe(409)
    expect(((await again.json()) as { error: object }).error).toMatchObject({
      code: 'repayment_scheduled',
      message:
        'This note is already set to be repaid on March 9, 2026, as an earlier refund was approved; another would change nothing.',
    })
    expect(await t.db.database.db.$count(adminApprovals, eq(adminApprovals.state, 'pending'))).toBe(
      0,
    )
    const shown = await t.request(`/admin/purchases/${note.id}`, { token: checker.token })
    const { purchase } = (await shown.json()) as { purchase: { repaymentReason: string | null } }
    expect(purchase.repaymentReason).toBe('refund')
  })

  test('a refund asked before an earlier one was carried out is recorded as changing nothing', async () => {
    const offering = await addOffering(t)
    const ada = await addBuyer(t, 'ada@example.com')
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    await approve(await askRefund(note.id, 'Investor changed their mind.'))
    // A request still waiting from before requests were refused for a note set to be repaid.
    const waiting = newId()
    await t.db.database.db.insert(adminApprovals).values({
      id: waiting,
      action: 'purchase.refund',
      targetType: 'purchase',
      targetId: note.id,
      payload: JSON.stringify({ reason: 'Asked twice.' }),
      requestedBy: maker.userId,
      requestedAt: t.clock.now(),
    })

    expect(await approve(waiting)).toEqual({
      state: 'executed',
      result:
        'not applied: the note is set to be repaid on 2026-03-09 already, by an earlier refund',
    })
    const refunds = await t.db.database.db.$count(
      auditEvents,
      and(eq(auditEvents.action, 'purchase.refunded'), eq(auditEvents.targetId, note.id)),
    )
    expect(refunds).toBe(1)
  })
})
