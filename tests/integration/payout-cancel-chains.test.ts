import { afterEach, beforeEach, expect, test } from 'bun:test'
import { matureDueHoldings } from '@tenor/api/maturities/due'
import { accountBalance, accounts, toCalendarDate } from '@tenor/db/domain'
import { createLogger } from '@tenor/db/logger'
import { interestAccrual } from '@tenor/workers/jobs/interest-accrual'
import { eq } from 'drizzle-orm'
import {
  buyNoteRollingInto,
  creditsAtPlaid,
  mailOfKind,
  readPayouts,
  readRolledNote,
  runWorkerJob,
  signInAgain,
} from '../support/maturities.ts'
import type { PlaidTestApp } from '../support/plaid.ts'
import {
  addOffering,
  type Buyer,
  expectLedgerClean,
  readOffering,
  readPurchase,
  simulateTransfer,
} from '../support/purchases.ts'
import { type Offering, openScene } from '../support/scene.ts'
import { approveRequest, type signUpAdmin, signUpMakerAndChecker } from '../support/users.ts'

let t: PlaidTestApp
let offering: Offering
let ada: Buyer
let maker: Awaited<ReturnType<typeof signUpAdmin>>
let checker: Awaited<ReturnType<typeof signUpAdmin>>
beforeEach(async () => {
  ;({ t, offering, ada } = await openScene())
})
afterEach(() => t.close())

async function signInAdmins() {
  ;({ maker, checker } = await signUpMakerAndChecker(t))
}

function matureOn(day: string) {
  return matureDueHoldings(t.deps, createLogger('silent'), toCalendarDate(day))
}

function askToCancel(purchaseId: string, token = maker.token) {
  return t.request(`/admin/purchases/${purchaseId}/payment/cancel`, {
    json: { reason: 'The investor’s bank took the payment back as unauthorized.' },
    token,
  })
}

const approve = (approvalId: string) => approveRequest(t, checker, approvalId)

async function cancel(purchaseId: string) {
  const asked = await askToCancel(purchaseId)
  const body = await asked.json()
  if (asked.status !== 202) return { state: `asked ${asked.status}`, result: JSON.stringify(body) }
  return approve((body as { approvalId: string }).approvalId)
}

async function setInstruction(
  note: { id: string },
  instruction: 'rollover_all' | 'rollover_principal' | 'payout',
  slug?: string,
) {
  const { token } = await signInAgain(t, ada)
  const res = await t.request(`/purchases/${note.id}/instruction`, {
    method: 'PUT',
    json: { instruction, ...(slug ? { rolloverOfferingSlug: slug } : {}) },
    token,
  })
  expect([res.status, await res.text()]).toEqual([200, expect.any(String)])
}

/** Every note account of these purchases, every offering's issuer expense: all zero. */
async function expectAllZero(noteIds: string[], offeringIds: string[]) {
  const db = t.db.database.db
  const codes = [
    accounts.fboCash,
    accounts.achPayable,
    accounts.achReceivable,
    accounts.investorHeld(ada.userId),
    ...noteIds.flatMap((id) => [accounts.notePrincipal(id), accounts.noteInterestPayable(id)]),
    ...offeringIds.map((id) => accounts.issuerInterestExpense(id)),
  ]
  const balances = []
  for (const code of codes) balances.push([code, await accountBalance(db, code)])
  expect(balances).toEqual(codes.map((code) => [code, 0]))
  for (const id of offeringIds) expect((await readOffering(t, id)).reservedCents).toBe(0)
}

/**
 * A chain of three: A ($1,000 of Series A) rolls on 2 Sept into B (one month), which rolls on
 * 2 Oct into C (six months). `payoutsGo` sends the payouts at each maturity.
 */
async function chainOfThree(options: {
  first: 'rollover_all' | 'rollover_principal'
  second: 'rollover_all' | 'rollover_principal'
  b?: Partial<Parameters<typeof addOffering>[1]>
  c?: Partial<Parameters<typeof addOffering>[1]>
  payoutsGo?: boolean
}) {
  const b = await addOffering(t, {
    name: 'Series B',
    termMonths: 1,
    opensOn: '2026-02-15',
    closesOn: '2027-06-30',
    ...options.b,
  })
  const c = await addOffering(t, {
    name: 'Series C',
    termMonths: 6,
    opensOn: '2026-02-15',
    closesOn: '2027-06-30',
    ...options.c,
  })
  const a = await buyNoteRollingInto(t, ada, {
    offeringId: offering.id,
    rollTo: b.slug,
    instruction: options.first,
  })
  t.clock.set(new Date('2026-09-02T14:00:00Z'))
  if (options.payoutsGo) await runWorkerJob(t)
  else await matureOn('2026-09-02')
  const bNote = await readRolledNote(t, a.id)
  if (!bNote) throw new Error('A did not roll')
  t.clock.set(new Date('2026-09-03T14:00:00Z'))
  await setInstruction(bNote, options.second, c.slug)
  t.clock.set(new Date('2026-10-02T14:00:00Z'))
  if (options.payoutsGo) await runWorkerJob(t)
  else await matureOn('2026-10-02')
  const cNote = await readRolledNote(t, bNote.id)
  if (!cNote) throw new Error('B did not roll')
  t.clock.set(new Date('2026-10-12T14:00:00Z'))
  await runWorkerJob(t, interestAccrual)
  return { a, bNote, cNote, b, c }
}

async function returnRootDebit(a: { transferId: string | null }, code = 'R10') {
  await simulateTransfer(t, a.transferId ?? '', 'returned', code)
  await t.deps.syncTransfers()
  await runWorkerJob(t)
}

test('three notes, rollover_all then rollover_all: closing from the last note', async () => {
  const { a, bNote, cNote, b, c } = await chainOfThree({
    first: 'rollover_all',
    second: 'rollover_all',
  })
  await returnRootDebit(a)
  await signInAdmins()
  const done = await cancel(cNote.id)
  expect(done.state).toBe('executed')
  for (const id of [a.id, bNote.id, cNote.id]) {
    expect((await readPurchase(t, id)).state).toBe('returned')
  }
  await expectLedgerClean(t)
  await expectAllZero([a.id, bNote.id, cNote.id], [offering.id, b.id, c.id])
  expect(await creditsAtPlaid(t)).toEqual([])
  // "Your note rolled over", not yet sent when the chain was closed, no longer holds: withdrawn.
  const mails = await t.mailbox(ada.email)
  const rolled = mails.filter((m) => m.kind === 'rollover_done').map((m) => m.status)
  expect(rolled).toEqual(['suppressed', 'suppressed'])
  expect(mails.filter((m) => m.kind === 'purchase_returned').map((m) => m.status)).toEqual([
    'pending',
  ])
})

test('three notes with leftover cents and a partial rollover: closing from the middle note', async () => {
  const { a, bNote, cNote, b, c } = await chainOfThree({
    first: 'rollover_all',
    second: 'rollover_all',
    // Steps of $100: A's $1,040.33 rolls $1,000, $40.33 left over.
    b: { minPurchaseCents: 10_000, incrementCents: 10_000 },
    // Room for $600 only.
    c: { capacityCents: 60_000, minPurchaseCents: 10_000, incrementCents: 100 },
  })
  expect(bNote.amountCents).toBe(100_000)
  expect(cNote.amountCents).toBe(60_000)
  const owed = await readPayouts(t)
  expect(owed.map((p) => p.amountCents).sort()).toHaveLength(2)
  await returnRootDebit(a)
  await signInAdmins()
  const done = await cancel(bNote.id)
  expect(done.state).toBe('executed')
  for (const id of [a.id, bNote.id, cNote.id]) {
    expect((await readPurchase(t, id)).state).toBe('returned')
  }
  expect((await readPayouts(t)).map((p) => p.state)).toEqual(['cancelled', 'cancelled'])
  await expectLedgerClean(t)
  await expectAllZero([a.id, bNote.id, cNote.id], [offering.id, b.id, c.id])
  expect(await creditsAtPlaid(t)).toEqual([])
})

test('rollover_principal twice; the middle payout was sent and came back (held money)', async () => {
  const { a, bNote, cNote, b, c } = await chainOfThree({
    first: 'rollover_principal',
    second: 'rollover_principal',
    payoutsGo: true,
  })
  // Both interest payouts went out before the return; B's came back (account closed).
  const sent = await readPayouts(t)
  expect(sent.map((p) => p.state)).toEqual(['pending', 'pending'])
  const bPayout = sent.find((p) => p.purchaseId === bNote.id)
  const aPayout = sent.find((p) => p.purchaseId === a.id)
  await simulateTransfer(t, aPayout?.transferId ?? '', 'posted')
  await simulateTransfer(t, aPayout?.transferId ?? '', 'returned', 'R03')
  await simulateTransfer(t, bPayout?.transferId ?? '', 'posted')
  await simulateTransfer(t, bPayout?.transferId ?? '', 'returned', 'R03')
  await t.deps.syncTransfers()
  await expectLedgerClean(t)
  await returnRootDebit(a)
  await signInAdmins()
  const done = await cancel(a.id)
  expect(done.state).toBe('executed')
  await expectLedgerClean(t)
  await expectAllZero([a.id, bNote.id, cNote.id], [offering.id, b.id, c.id])
  const { token } = await signInAgain(t, ada)
  const portfolio = await t.request('/portfolio', { token })
  expect(await portfolio.json()).toMatchObject({
    portfolio: { heldCents: 0, inReviewCents: 0, holdings: [] },
  })
})

test('the last note set to be repaid early (refund), then the debit comes back', async () => {
  const { a, bNote, cNote, b, c } = await chainOfThree({
    first: 'rollover_all',
    second: 'rollover_all',
  })
  await signInAdmins()
  const asked = await t.request(`/admin/purchases/${cNote.id}/refund`, {
    json: { reason: 'The investor asked for their money back early.' },
    token: maker.token,
  })
  expect([asked.status, await asked.clone().text()]).toEqual([202, expect.any(String)])
  const { approvalId } = (await asked.json()) as { approvalId: string }
  expect((await approve(approvalId)).result).toBe('note set to repay today with interest to date')
  expect((await readPurchase(t, cNote.id)).repaymentReason).toBe('refund')
  await returnRootDebit(a)
  // Its repayment is due today, withheld.
  expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsWithheld: 1, payoutsSent: 0 })
  const done = await cancel(cNote.id)
  expect(done.state).toBe('executed')
  await expectLedgerClean(t)
  await expectAllZero([a.id, bNote.id, cNote.id], [offering.id, b.id, c.id])
  const mails = await t.mailbox(ada.email)
  expect(mails.find((m) => m.kind === 'early_repayment')?.status).toBe('suppressed')
})

test('two requests from different notes of the chain; one carried out by the worker after the API stopped', async () => {
  const { approvals } = await import('@tenor/workers/jobs/approvals')
  const { adminApprovals } = await import('@tenor/db/schema')
  const { a, bNote, cNote, b, c } = await chainOfThree({
    first: 'rollover_principal',
    second: 'rollover_all',
  })
  await returnRootDebit(a)
  await signInAdmins()
  const first = await askToCancel(a.id)
  const second = await askToCancel(cNote.id)
  expect([first.status, second.status]).toEqual([202, 202])
  const firstId = ((await first.json()) as { approvalId: string }).approvalId
  const secondId = ((await second.json()) as { approvalId: string }).approvalId
  // Both approved; the API stopped before carrying either out.
  for (const id of [firstId, secondId]) {
    await t.db.database.db
      .update(adminApprovals)
      .set({ state: 'approved', decidedBy: checker.userId, decidedAt: t.clock.now() })
      .where(eq(adminApprovals.id, id))
  }
  t.clock.set(new Date('2026-10-12T14:30:00Z'))
  await runWorkerJob(t, approvals)
  const rows = await t.db.database.db.select().from(adminApprovals)
  expect(rows.map((r) => r.state)).toEqual(['executed', 'executed'])
  expect(rows.filter((r) => r.result?.startsWith('payouts cancelled'))).toHaveLength(1)
  for (const id of [a.id, bNote.id, cNote.id]) {
    expect((await readPurchase(t, id)).state).toBe('returned')
  }
  await expectLedgerClean(t)
  await expectAllZero([a.id, bNote.id, cNote.id], [offering.id, b.id, c.id])
  const mails = await mailOfKind(t, ada.email, 'purchase_returned')
  expect(mails).toHaveLength(1)
})

/**
 * The first note's debit comes back; on the day the last note matures, before any run, an
 * administrator asks from the last note to close the chain. Answers the waiting request.
 */
async function askOnLastMaturity(
  first: { transferId: string | null },
  last: { id: string; maturityDate: string | null },
): Promise<string> {
  await simulateTransfer(t, first.transferId ?? '', 'returned', 'R10')
  await t.deps.syncTransfers()
  t.clock.set(new Date(`${last.maturityDate}T14:00:00Z`))
  await signInAdmins()
  const asked = await askToCancel(last.id)
  return ((await asked.json()) as { approvalId: string }).approvalId
}

test('cancel on the day the last note matures: before and after the maturity run', async () => {
  const { a, bNote, cNote, b, c } = await chainOfThree({
    first: 'rollover_all',
    second: 'rollover_all',
    c: { termMonths: 1 },
  })
  const approvalId = await askOnLastMaturity(a, cNote)
  // The maturity run matures C (withheld) between the request and its approval.
  const run = await runWorkerJob(t)
  expect(run.counts).toMatchObject({ matured: 1, payoutsSent: 0 })
  expect((await approve(approvalId)).state).toBe('executed')
  await expectLedgerClean(t)
  await expectAllZero([a.id, bNote.id, cNote.id], [offering.id, b.id, c.id])
  expect(await creditsAtPlaid(t)).toEqual([])
})

test('cancel at the same moment as the maturity run, the accrual and the transfer sync', async () => {
  const { a, bNote, cNote, b, c } = await chainOfThree({
    first: 'rollover_all',
    second: 'rollover_principal',
    c: { termMonths: 1 },
  })
  const approvalId = await askOnLastMaturity(a, cNote)
  const [approved] = await Promise.all([
    approve(approvalId),
    runWorkerJob(t),
    runWorkerJob(t, interestAccrual),
    t.deps.syncTransfers(),
  ])
  expect(approved.state).toBe('executed')
  await runWorkerJob(t)
  await expectLedgerClean(t)
  await expectAllZero([a.id, bNote.id, cNote.id], [offering.id, b.id, c.id])
  expect(await creditsAtPlaid(t)).toEqual([])
})

test('the rolled note’s offering is cancelled after the debit came back: repaid, withheld, closed', async () => {
  const { a, bNote, cNote, b, c } = await chainOfThree({
    first: 'rollover_all',
    second: 'rollover_all',
  })
  await returnRootDebit(a)
  await signInAdmins()
  const asked = await t.request(`/admin/offerings/${c.id}/cancel`, {
    json: { reason: 'The issuer withdrew the series before it closed.' },
    token: maker.token,
  })
  const { approvalId } = (await asked.json()) as { approvalId: string }
  expect((await approve(approvalId)).result).toContain('1 note set to be repaid')
  expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsWithheld: 1, payoutsSent: 0 })
  expect(await creditsAtPlaid(t)).toEqual([])
  expect((await cancel(bNote.id)).state).toBe('executed')
  await expectLedgerClean(t)
  await expectAllZero([a.id, bNote.id, cNote.id], [offering.id, b.id, c.id])
})
