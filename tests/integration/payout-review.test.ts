import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { matureDueHoldings } from '@tenor/api/maturities/due'
import { accountBalance, accounts, toCalendarDate } from '@tenor/db/domain'
import { createLogger } from '@tenor/db/logger'
import { adminApprovals, auditEvents, bankAccounts } from '@tenor/db/schema'
import { approvals } from '@tenor/workers/jobs/approvals'
import { interestAccrual } from '@tenor/workers/jobs/interest-accrual'
import { eq, sql } from 'drizzle-orm'
import {
  buyActiveNote,
  buyNoteRollingInto,
  creditsAtPlaid,
  heldMoneyInReview,
  linkAnotherBank,
  mailOfKind,
  noteAtMaturity,
  readPayout,
  readRolledNote,
  runWorkerJob,
  settleSentPayouts,
  signInAgain,
} from '../support/maturities.ts'
import type { PlaidTestApp } from '../support/plaid.ts'
import {
  addOffering,
  type Buyer,
  buy,
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

/** The two administrators, signed in at the time the clock shows (sessions lapse as it moves). */
async function signInAdmins() {
  ;({ maker, checker } = await signUpMakerAndChecker(t))
}

/** A $1,000 note whose payout ($1,040.33) is withheld: another debit from its account was disputed. */
async function withheldNote(withheld = 1) {
  const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
  const disputed = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 50_000 })
  await simulateTransfer(t, disputed.transferId ?? '', 'returned', 'R10')
  await t.deps.syncTransfers()
  t.clock.set(new Date('2026-09-02T14:00:00Z'))
  expect((await runWorkerJob(t)).counts).toMatchObject({
    payoutsWithheld: withheld,
    payoutsSent: 0,
  })
  await signInAdmins()
  return note
}

/** What the purchase's page shows the review: the transfer events stored when it was read. */
async function readReviewedThrough(purchaseId: string, token = maker.token): Promise<number> {
  const page = await t.request(`/admin/purchases/${purchaseId}`, { token })
  const { reviewSeenThroughEventId } = (await page.json()) as {
    reviewSeenThroughEventId: number | null
  }
  return reviewSeenThroughEventId ?? 0
}

/** Asks, from the purchase's page, on what it showed (`seen`: read now unless given). */
async function askToRelease(purchaseId: string, token = maker.token, seen?: number) {
  return t.request(`/admin/purchases/${purchaseId}/payment/release`, {
    json: {
      reason: 'Investor confirmed the disputed debit was a mistake by their bank.',
      seenThroughEventId: seen ?? (await readReviewedThrough(purchaseId, token)),
    },
    token,
  })
}

const approve = (approvalId: string) => approveRequest(t, checker, approvalId)

async function release(purchaseId: string): Promise<string> {
  const asked = await askToRelease(purchaseId)
  expect(asked.status).toBe(202)
  return (await approve(((await asked.json()) as { approvalId: string }).approvalId)).result
}

/** A $1,000 note, matured, whose own debit came back before its payout ($1,040.33) was sent. */
async function noteReturnedAfterMaturity(code = 'R10') {
  const note = await noteAtMaturity(t, ada, offering.id)
  await matureToday()
  await simulateTransfer(t, note.transferId ?? '', 'returned', code)
  await t.deps.syncTransfers()
  expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsWithheld: 1, payoutsSent: 0 })
  await signInAdmins()
  return note
}

/** Matures what is due, without sending: a return can then arrive before the payout goes. */
function matureToday() {
  return matureDueHoldings(t.deps, createLogger('silent'), toCalendarDate('2026-09-02'))
}

function askToCancel(purchaseId: string, token = maker.token) {
  return t.request(`/admin/purchases/${purchaseId}/payment/cancel`, {
    json: { reason: 'The investor’s bank took the payment back as unauthorized on 2 September.' },
    token,
  })
}

async function cancel(purchaseId: string) {
  const asked = await askToCancel(purchaseId)
  expect(asked.status).toBe(202)
  return approve(((await asked.json()) as { approvalId: string }).approvalId)
}

describe('releasing a payout withheld for review', () => {
  test('needs a second administrator; the next run then sends it, once', async () => {
    const note = await withheldNote()
    const detail = await t.request(`/admin/purchases/${note.id}`, { token: maker.token })
    expect(await detail.json()).toMatchObject({
      payment: { stage: 'in_review' },
      paymentReview: 'releasable',
    })
    const asked = await askToRelease(note.id)
    expect(asked.status).toBe(202)
    const { approvalId } = (await asked.json()) as { approvalId: string }
    // Asked, not approved: still withheld, and the asker cannot approve it.
    const own = await t.request(`/admin/approvals/${approvalId}/approve`, {
      json: {},
      token: maker.token,
    })
    expect(own.status).toBe(409)
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsWithheld: 1, payoutsSent: 0 })
    expect((await askToRelease(note.id)).status).toBe(409)

    const approved = await t.request(`/admin/approvals/${approvalId}/approve`, {
      json: {},
      token: checker.token,
    })
    expect(await approved.json()).toMatchObject({
      state: 'executed',
      result: 'payout released: the next maturity run sends it',
    })
    const audit = await t.db.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'payout.released'))
    expect(audit).toMatchObject([{ adminId: checker.userId, targetId: note.id }])
    const { token } = await signInAgain(t, ada)
    const page = await t.request(`/purchases/${note.id}`, { token })
    expect(await page.json()).toMatchObject({ purchase: { payment: { stage: 'sending' } } })
    const ops = await t.request('/admin/operations', { token: checker.token })
    expect(await ops.json()).toMatchObject({ withheldPayouts: [] })

    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsSent: 1, payoutsWithheld: 0 })
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsSent: 0 })
    const credits = await creditsAtPlaid(t)
    expect(credits).toHaveLength(1)
    expect(await readPayout(t, note.id)).toMatchObject({
      state: 'pending',
      amountCents: 104_033,
      transferId: credits[0],
      failureCode: null,
    })
    await settleSentPayouts(t)
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'paid' })
    await expectLedgerClean(t)
  })

  test('a return received after the release withholds it again', async () => {
    // From the same account, so withheld too.
    const another = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 30_000 })
    const note = await withheldNote(2)
    expect(await release(note.id)).toBe('payout released: the next maturity run sends it')

    await simulateTransfer(t, another.transferId ?? '', 'returned', 'R10')
    await t.deps.syncTransfers()
    const run = await runWorkerJob(t)

    expect(run.counts).toMatchObject({ payoutsSent: 0, payoutsWithheld: 2 })
    expect(await readPayout(t, note.id)).toMatchObject({
      state: 'initiated',
      authorizationId: null,
      failureCode: 'FUNDING_IN_DOUBT',
    })
    // Withheld anew, it is reported anew.
    expect(run.lines.filter((line) => line.level === 'error')).toHaveLength(1)
    expect(await creditsAtPlaid(t)).toEqual([])
    await expectLedgerClean(t)
  })

  test('a return stored after the release withholds it again, whatever the clocks say', async () => {
    // From the same account, so withheld too.
    const another = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 30_000 })
    const note = await withheldNote(2)
    t.clock.set(new Date('2026-09-02T15:00:00Z'))
    expect(await release(note.id)).toBe('payout released: the next maturity run sends it')

    // Stored with a time before the release's (another machine's clock, a sync that read the
    // time before it waited for the write lock): the review still could not have seen it.
    t.clock.set(new Date('2026-09-02T14:30:00Z'))
    await simulateTransfer(t, another.transferId ?? '', 'returned', 'R10')
    await t.deps.syncTransfers()
    t.clock.set(new Date('2026-09-02T15:30:00Z'))

    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsSent: 0, payoutsWithheld: 2 })
    expect(await creditsAtPlaid(t)).toEqual([])
  })

  test('a return stored after the request, before the decision, stops the release', async () => {
    const another = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 30_000 })
    const note = await withheldNote(2)
    const asked = await askToRelease(note.id)
    const { approvalId } = (await asked.json()) as { approvalId: string }

    // A second dispute from the same account, which the asker could not have looked at.
    await simulateTransfer(t, another.transferId ?? '', 'returned', 'R10')
    await t.deps.syncTransfers()

    expect(await approve(approvalId)).toMatchObject({
      result:
        "not applied: a return of the investor's transfers came in after this was asked; look at it and ask again",
    })
    expect(await readPayout(t, note.id)).toMatchObject({
      failureCode: 'FUNDING_IN_DOUBT',
      reviewReleasedAt: null,
    })
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsSent: 0, payoutsWithheld: 2 })
    expect(await creditsAtPlaid(t)).toEqual([])

    // Asked again, after a look at that return, it goes.
    expect(await release(note.id)).toBe('payout released: the next maturity run sends it')
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsSent: 1, payoutsWithheld: 1 })
    expect(await creditsAtPlaid(t)).toHaveLength(1)
    await expectLedgerClean(t)
  })

  test('a return stored after the page the review was made on, before the request, stops the release', async () => {
    const another = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 30_000 })
    const note = await withheldNote(2)
    const seen = await readReviewedThrough(note.id)
    // A second dispute arrives while the administrator reads the page.
    await simulateTransfer(t, another.transferId ?? '', 'returned', 'R10')
    await t.deps.syncTransfers()

    const asked = await askToRelease(note.id, maker.token, seen)
    expect(asked.status).toBe(202)
    const { approvalId } = (await asked.json()) as { approvalId: string }
    expect(await approve(approvalId)).toMatchObject({
      result:
        "not applied: a return of the investor's transfers came in after this was asked; look at it and ask again",
    })
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsSent: 0, payoutsWithheld: 2 })
    // A page claiming to have seen more than is stored counts as what is stored.
    const bold = await askToRelease(note.id, maker.token, Number.MAX_SAFE_INTEGER)
    expect(bold.status).toBe(202)
    const { approvalId: boldId } = (await bold.json()) as { approvalId: string }
    expect((await approve(boldId)).result).toBe('payout released: the next maturity run sends it')
    const missing = await t.request(`/admin/purchases/${note.id}/payment/release`, {
      json: { reason: 'Investor confirmed the disputed debit was a mistake by their bank.' },
      token: maker.token,
    })
    expect(missing.status).toBe(422)
  })

  test('a release the worker carries out after the API stopped sees returns stored meanwhile', async () => {
    const another = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 30_000 })
    const note = await withheldNote(2)
    const asked = await askToRelease(note.id)
    const { approvalId } = (await asked.json()) as { approvalId: string }
    // Approved, and the API stopped before carrying it out.
    await t.db.database.db
      .update(adminApprovals)
      .set({ state: 'approved', decidedBy: checker.userId, decidedAt: t.clock.now() })
      .where(eq(adminApprovals.id, approvalId))

    t.clock.set(new Date('2026-09-02T14:05:00Z'))
    await simulateTransfer(t, another.transferId ?? '', 'returned', 'R10')
    await t.deps.syncTransfers()
    t.clock.set(new Date('2026-09-02T14:20:00Z'))
    await runWorkerJob(t, approvals)

    const carried = await t.db.database.db.query.adminApprovals.findFirst({
      where: eq(adminApprovals.id, approvalId),
    })
    expect(carried?.result).toStartWith(
      "not applied: a return of the investor's transfers came in after this was asked",
    )
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsSent: 0, payoutsWithheld: 2 })
    expect(await creditsAtPlaid(t)).toEqual([])
  })

  test('a release asked before requests kept what their review had seen is asked again', async () => {
    const note = await withheldNote()
    const asked = await askToRelease(note.id)
    const { approvalId } = (await asked.json()) as { approvalId: string }
    const { seenThroughEventId: _, ...older } = JSON.parse(
      (
        await t.db.database.db.query.adminApprovals.findFirst({
          where: eq(adminApprovals.id, approvalId),
        })
      )?.payload ?? '{}',
    )
    await t.db.database.db
      .update(adminApprovals)
      .set({ payload: JSON.stringify(older) })
      .where(eq(adminApprovals.id, approvalId))

    expect(await approve(approvalId)).toMatchObject({
      result: 'not applied: ask again, so the review is dated',
    })
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsSent: 0, payoutsWithheld: 1 })
  })

  test('never lets go a note whose own debit came back, even after a release', async () => {
    const note = await withheldNote()
    t.clock.set(new Date('2026-09-02T15:00:00Z'))
    expect(await release(note.id)).toBe('payout released: the next maturity run sends it')

    t.clock.set(new Date('2026-09-02T14:30:00Z'))
    await simulateTransfer(t, note.transferId ?? '', 'returned', 'R01')
    await t.deps.syncTransfers()
    t.clock.set(new Date('2026-09-02T15:30:00Z'))

    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsSent: 0, payoutsWithheld: 1 })
    expect(await creditsAtPlaid(t)).toEqual([])
    const { token } = await signInAgain(t, ada)
    const page = await t.request(`/purchases/${note.id}`, { token })
    expect(await page.json()).toMatchObject({ purchase: { payment: { stage: 'in_review' } } })
  })

  test('held money in review, released, goes to the account the investor links', async () => {
    const note = await heldMoneyInReview(t, ada, offering.id)
    const linked = await linkAnotherBank(t, ada, 'ins_109511')
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsResent: 0 })
    await signInAdmins()

    expect(await release(note.id)).toBe(
      'payout released: it goes out once the investor gives an account that can receive it',
    )
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsResent: 1 })

    expect(await readPayout(t, note.id)).toMatchObject({
      state: 'pending',
      resends: 1,
      bankAccountId: linked,
    })
    // The first credit, which came back; the other note's, sent before the dispute; this again.
    expect(await creditsAtPlaid(t)).toHaveLength(3)
    await expectLedgerClean(t)
  })

  test('is refused for a note whose own debit came back: its money is with the investor', async () => {
    const note = await noteAtMaturity(t, ada, offering.id)
    // Matured, and not yet sent when the debit that paid for it comes back.
    await matureToday()
    await simulateTransfer(t, note.transferId ?? '', 'returned', 'R01')
    await t.deps.syncTransfers()
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsWithheld: 1 })
    await signInAdmins()
    const detail = await t.request(`/admin/purchases/${note.id}`, { token: maker.token })
    expect(await detail.json()).toMatchObject({
      payment: { stage: 'in_review' },
      paymentReview: 'cancellable',
    })

    const asked = await askToRelease(note.id)

    expect(asked.status).toBe(409)
    expect(await asked.json()).toMatchObject({ error: { code: 'funding_returned' } })
    expect(await creditsAtPlaid(t)).toEqual([])
  })

  test('is refused for a payout that is not withheld', async () => {
    const note = await noteAtMaturity(t, ada, offering.id)
    await runWorkerJob(t)
    await signInAdmins()

    const asked = await askToRelease(note.id)

    expect(asked.status).toBe(409)
    expect(await asked.json()).toMatchObject({ error: { code: 'not_in_review' } })
    const detail = await t.request(`/admin/purchases/${note.id}`, { token: maker.token })
    expect(await detail.json()).toMatchObject({ paymentReview: null })
    const unknown = await askToRelease('01a2481a-0000-7000-8000-000000000000')
    expect(unknown.status).toBe(404)
    const short = await t.request(`/admin/purchases/${note.id}/payment/release`, {
      json: { reason: 'ok' },
      token: maker.token,
    })
    expect(short.status).toBe(422)
  })
})

describe('cancelling the payout of a note whose debit came back after it matured', () => {
  test('two administrators close it: the note is returned, nothing is sent, the books balance', async () => {
    const note = await noteReturnedAfterMaturity()
    const reservedBefore = (await readOffering(t, offering.id)).reservedCents
    const detail = await t.request(`/admin/purchases/${note.id}`, { token: maker.token })
    expect(await detail.json()).toMatchObject({
      payment: { stage: 'in_review' },
      paymentReview: 'cancellable',
    })

    const asked = await askToCancel(note.id)
    expect(asked.status).toBe(202)
    const { approvalId } = (await asked.json()) as { approvalId: string }
    // Asked, not approved: nothing changes, and the asker cannot approve it.
    const own = await t.request(`/admin/approvals/${approvalId}/approve`, {
      json: {},
      token: maker.token,
    })
    expect(own.status).toBe(409)
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'matured' })

    expect(await approve(approvalId)).toMatchObject({
      state: 'executed',
      result: 'payout cancelled: the note is returned and nothing is paid on it',
    })

    expect(await readPurchase(t, note.id)).toMatchObject({
      state: 'returned',
      failureCode: 'R10',
    })
    expect(await readPayout(t, note.id)).toMatchObject({
      state: 'cancelled',
      failureCode: 'DEBIT_RETURNED',
      authorizationId: null,
    })
    const after = await t.request(`/admin/purchases/${note.id}`, { token: maker.token })
    expect(await after.json()).toMatchObject({
      purchase: { state: 'returned', failureCode: 'R10' },
      payment: null,
      paymentReview: null,
      cancelledPayment: { amountCents: 104_033, cancelledAt: t.clock.now().toISOString() },
    })
    expect((await readOffering(t, offering.id)).reservedCents).toBe(reservedBefore - 100_000)
    const db = t.db.database.db
    // The bank took the principal back; the payout and its interest are owed no more.
    expect(await accountBalance(db, accounts.achPayable)).toBe(0)
    expect(await accountBalance(db, accounts.fboCash)).toBe(0)
    expect(await accountBalance(db, accounts.issuerInterestExpense(offering.id))).toBe(0)
    await expectLedgerClean(t)
    const audit = await db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'payout.cancelled'))
    expect(audit).toMatchObject([{ adminId: checker.userId, targetId: note.id }])

    // Nothing goes out, now or later, and nothing waits for review.
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsWithheld: 0, payoutsSent: 0 })
    expect(await creditsAtPlaid(t)).toEqual([])
    const ops = await t.request('/admin/operations', { token: checker.token })
    expect(await ops.json()).toMatchObject({ withheldPayouts: [] })

    // The investor sees a returned note, told why, with no payment coming.
    const { token } = await signInAgain(t, ada)
    const page = await t.request(`/purchases/${note.id}`, { token })
    const { purchase } = (await page.json()) as {
      purchase: { state: string; payment: unknown; history: { note: string | null }[] }
    }
    expect(purchase).toMatchObject({ state: 'returned', payment: null })
    expect(purchase.history.at(-1)?.note).toBe(
      'Your bank took back the payment for this note after it matured, so nothing is paid on it',
    )
    const [email] = await mailOfKind(t, ada.email, 'purchase_returned')
    expect(email?.text).toContain(
      'the payment at maturity we held while we looked into it will not be made',
    )

    // Done once: asking again finds nothing to cancel.
    const again = await askToCancel(note.id)
    expect(again.status).toBe(409)
    expect(await again.json()).toMatchObject({ error: { code: 'not_in_review' } })
  })

  test('marks the account as a return before maturity would, so it is never debited again', async () => {
    await noteReturnedAfterMaturity('R10')
    const account = await t.db.database.db.query.bankAccounts.findFirst({
      where: eq(bankAccounts.id, ada.bankAccountId),
    })
    expect(account?.status).toBe('unauthorized')

    const open = await addOffering(t, { name: 'Tenor Note Series B', closesOn: '2026-12-31' })
    const again = await buy(t, await signInAgain(t, ada), {
      offeringId: open.id,
      amountCents: 100_000,
    })
    expect(again.status).toBe(409)
    expect(await again.json()).toMatchObject({ error: { code: 'bank_account_unusable' } })
  })

  test('held money of such a note is taken from the investor’s held balance', async () => {
    const note = await noteAtMaturity(t, ada, offering.id)
    await runWorkerJob(t)
    const { transferId } = await readPayout(t, note.id)
    // The credit settled, then came back (the account was closed): the note is paid, its money
    // held for the investor, who is asked for another account.
    await simulateTransfer(t, transferId ?? '', 'posted')
    await simulateTransfer(t, transferId ?? '', 'settled')
    await simulateTransfer(t, transferId ?? '', 'returned', 'R03')
    await simulateTransfer(t, note.transferId ?? '', 'returned', 'R10')
    await t.deps.syncTransfers()
    expect(await readPayout(t, note.id)).toMatchObject({ state: 'returned' })
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'paid' })
    await signInAdmins()

    expect((await cancel(note.id)).result).toBe(
      'payout cancelled: the note is returned and nothing is paid on it',
    )

    expect(await readPayout(t, note.id)).toMatchObject({ state: 'cancelled' })
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'returned' })
    // Asking for an account to receive it no longer holds; saying nothing is paid does.
    const mails = await t.mailbox(ada.email)
    expect(mails.filter((mail) => mail.kind === 'payout_returned').map((m) => m.status)).toEqual([
      'suppressed',
    ])
    expect(mails.filter((mail) => mail.kind === 'purchase_returned')).toHaveLength(1)
    const db = t.db.database.db
    expect(await accountBalance(db, accounts.investorHeld(ada.userId))).toBe(0)
    expect(await accountBalance(db, accounts.fboCash)).toBe(0)
    await expectLedgerClean(t)
    const { token } = await signInAgain(t, ada)
    const portfolio = await t.request('/portfolio', { token })
    expect(await portfolio.json()).toMatchObject({
      portfolio: { heldCents: 0, inReviewCents: 0, holdings: [] },
    })
  })

  test('is refused for a payout withheld only because another debit came back', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    const disputed = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 50_000 })
    await simulateTransfer(t, disputed.transferId ?? '', 'returned', 'R10')
    await t.deps.syncTransfers()
    t.clock.set(new Date('2026-09-02T14:00:00Z'))
    await runWorkerJob(t)
    await signInAdmins()

    const asked = await askToCancel(note.id)

    expect(asked.status).toBe(409)
    expect(await asked.json()).toMatchObject({ error: { code: 'funding_not_returned' } })
    expect(await readPayout(t, note.id)).toMatchObject({ state: 'initiated' })
  })

  /**
   * A $1,000 note whose principal rolled into a note of Series B on 2 September, its interest
   * ($40.33) paid out; ten days on (the new note accruing), the first note's debit comes back.
   */
  async function rolledChainReturned(
    then: { sendTheInterest?: boolean; rolledMatures?: boolean } = {},
  ) {
    const target = await addOffering(t, { name: 'Tenor Note Series B', closesOn: '2026-12-31' })
    const note = await buyNoteRollingInto(t, ada, {
      offeringId: offering.id,
      rollTo: target.slug,
      instruction: 'rollover_principal',
    })
    t.clock.set(new Date('2026-09-02T14:00:00Z'))
    await matureToday()
    if (then.sendTheInterest) await runWorkerJob(t)
    const rolled = await readRolledNote(t, note.id)
    if (!rolled) throw new Error('The note did not roll over')
    t.clock.set(new Date('2026-09-12T14:00:00Z'))
    await runWorkerJob(t, interestAccrual)
    await simulateTransfer(t, note.transferId ?? '', 'returned', 'R10')
    await t.deps.syncTransfers()
    await runWorkerJob(t)
    if (then.rolledMatures) {
      t.clock.set(new Date(`${rolled.maturityDate}T14:00:00Z`))
      expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsWithheld: 2, payoutsSent: 0 })
    }
    await signInAdmins()
    return { note, rolled, target }
  }

  test('a note rolled over is closed with the note bought from it: both returned, nothing paid', async () => {
    const { note, rolled, target } = await rolledChainReturned()
    const db = t.db.database.db
    const accrued = await accountBalance(db, accounts.noteInterestPayable(rolled.id))
    expect(accrued).toBeGreaterThan(0)
    expect(await readPayout(t, note.id)).toMatchObject({ state: 'initiated', amountCents: 4033 })
    const reservedBefore = (await readOffering(t, target.id)).reservedCents
    // Either note's page offers it: the chain is closed as one.
    for (const id of [note.id, rolled.id]) {
      const detail = await t.request(`/admin/purchases/${id}`, { token: maker.token })
      expect(await detail.json()).toMatchObject({ paymentReview: 'cancellable' })
    }

    const asked = await askToCancel(rolled.id)
    expect(asked.status).toBe(202)
    const { approvalId } = (await asked.json()) as { approvalId: string }
    expect(await approve(approvalId)).toMatchObject({
      state: 'executed',
      result:
        'payouts cancelled: the note and the 1 note rolled over from it are returned and nothing is paid on them',
    })

    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'returned', failureCode: 'R10' })
    expect(await readPurchase(t, rolled.id)).toMatchObject({
      state: 'returned',
      failureCode: 'R10',
    })
    expect(await readPayout(t, note.id)).toMatchObject({ state: 'cancelled' })
    expect((await readOffering(t, target.id)).reservedCents).toBe(
      reservedBefore - rolled.amountCents,
    )
    // The bank took the principal back; the interest of both notes goes back to their issuers.
    for (const account of [
      accounts.fboCash,
      accounts.achPayable,
      accounts.notePrincipal(note.id),
      accounts.notePrincipal(rolled.id),
      accounts.noteInterestPayable(rolled.id),
      accounts.issuerInterestExpense(offering.id),
      accounts.issuerInterestExpense(target.id),
    ]) {
      expect([account, await accountBalance(db, account)]).toEqual([account, 0])
    }
    await expectLedgerClean(t)
    // Done once: neither note has anything left to cancel.
    for (const id of [note.id, rolled.id]) {
      expect(await (await askToCancel(id)).json()).toMatchObject({
        error: { code: 'not_in_review' },
      })
    }

    // The new note earns nothing more, nothing is sent and nothing waits for review.
    t.clock.set(new Date('2026-09-20T14:00:00Z'))
    await runWorkerJob(t, interestAccrual)
    expect(await accountBalance(db, accounts.noteInterestPayable(rolled.id))).toBe(0)
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsWithheld: 0, payoutsSent: 0 })
    expect(await creditsAtPlaid(t)).toEqual([])
    await expectLedgerClean(t)

    // The investor is told once, about both notes, and each note's history says why.
    const [email] = await mailOfKind(t, ada.email, 'purchase_returned')
    expect(email?.text).toContain('It had been rolled over into your $1,000.00 Tenor Note Series B')
    expect(await mailOfKind(t, ada.email, 'purchase_returned')).toHaveLength(1)
    const { token } = await signInAgain(t, ada)
    const page = await t.request(`/purchases/${rolled.id}`, { token })
    const { purchase } = (await page.json()) as {
      purchase: { state: string; history: { note: string | null }[] }
    }
    expect(purchase.state).toBe('returned')
    expect(purchase.history.at(-1)?.note).toBe(
      'Your bank took back the payment for the note this one was rolled over from, so nothing is paid on it',
    )
    const portfolio = await t.request('/portfolio', { token })
    expect(await portfolio.json()).toMatchObject({
      portfolio: { inReviewCents: 0, holdings: [] },
    })
  })

  test('a note rolled over, then matured itself, has its withheld payout cancelled with the first', async () => {
    const { note, rolled, target } = await rolledChainReturned({ rolledMatures: true })
    const withheld = await readPayout(t, rolled.id)
    expect(withheld).toMatchObject({ state: 'initiated', failureCode: 'FUNDING_IN_DOUBT' })
    expect(withheld.amountCents).toBeGreaterThan(rolled.amountCents)

    expect((await cancel(note.id)).state).toBe('executed')

    expect(await readPurchase(t, rolled.id)).toMatchObject({ state: 'returned' })
    expect(await readPayout(t, rolled.id)).toMatchObject({ state: 'cancelled' })
    expect(await readPayout(t, note.id)).toMatchObject({ state: 'cancelled' })
    const db = t.db.database.db
    for (const account of [
      accounts.fboCash,
      accounts.achPayable,
      accounts.issuerInterestExpense(offering.id),
      accounts.issuerInterestExpense(target.id),
    ]) {
      expect([account, await accountBalance(db, account)]).toEqual([account, 0])
    }
    await expectLedgerClean(t)
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsWithheld: 0, payoutsSent: 0 })
    expect(await creditsAtPlaid(t)).toEqual([])
  })

  test('is refused for a chain whose money has gone out since, and the payouts stay withheld', async () => {
    const { note, rolled } = await rolledChainReturned({ sendTheInterest: true })
    expect(await readPayout(t, note.id)).toMatchObject({ state: 'pending' })
    const detail = await t.request(`/admin/purchases/${rolled.id}`, { token: maker.token })
    expect(await detail.json()).toMatchObject({ paymentReview: 'debit_returned' })

    const asked = await askToCancel(rolled.id)

    expect(asked.status).toBe(409)
    expect(await asked.json()).toMatchObject({ error: { code: 'payout_sent' } })
    expect(await readPurchase(t, rolled.id)).toMatchObject({ state: 'active' })
    await expectLedgerClean(t)
  })

  test('is refused for a payout that is not withheld, and checks its input', async () => {
    const note = await noteAtMaturity(t, ada, offering.id)
    await runWorkerJob(t)
    await signInAdmins()

    const asked = await askToCancel(note.id)
    expect(asked.status).toBe(409)
    expect(await asked.json()).toMatchObject({ error: { code: 'not_in_review' } })
    expect((await askToCancel('01a2481a-0000-7000-8000-000000000000')).status).toBe(404)
    const short = await t.request(`/admin/purchases/${note.id}/payment/cancel`, {
      json: { reason: 'ok' },
      token: maker.token,
    })
    expect(short.status).toBe(422)
    const investor = await askToCancel(note.id, (await signInAgain(t, ada)).token)
    expect(investor.status).toBe(403)
  })

  test('a cancel made while the worker asks Plaid to authorize the credit: no credit is made', async () => {
    const note = await noteAtMaturity(t, ada, offering.id)
    await matureToday()
    await signInAdmins()
    // The debit comes back, and two administrators cancel the payout, while the maturity run
    // waits for Plaid's answer to the credit's authorization.
    const plaid = t.deps.plaid
    const authorize = plaid.transferAuthorizationCreate.bind(plaid)
    let cancelled = null as string | null
    plaid.transferAuthorizationCreate = async (request, options) => {
      if (cancelled === null) {
        await simulateTransfer(t, note.transferId ?? '', 'returned', 'R01')
        await t.deps.syncTransfers()
        cancelled = (await cancel(note.id)).result
      }
      return authorize(request, options)
    }

    const run = await runWorkerJob(t)

    expect(cancelled).toBe('payout cancelled: the note is returned and nothing is paid on it')
    expect(run.counts).toMatchObject({ payoutsSent: 0 })
    expect(run.lines.filter((line) => line.level === 'error')).toEqual([])
    expect(await readPayout(t, note.id)).toMatchObject({ state: 'cancelled', transferId: null })
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsSent: 0 })
    expect(await creditsAtPlaid(t)).toEqual([])
    await expectLedgerClean(t)
  })

  test('one request at a time, carried out once', async () => {
    const note = await noteReturnedAfterMaturity('R01')
    const asked = await askToCancel(note.id)
    const { approvalId } = (await asked.json()) as { approvalId: string }
    const waiting = await askToCancel(note.id, checker.token)
    expect(waiting.status).toBe(409)
    expect(await waiting.json()).toMatchObject({ error: { code: 'approval_pending' } })

    expect((await approve(approvalId)).state).toBe('executed')
    const twice = await t.request(`/admin/approvals/${approvalId}/approve`, {
      json: {},
      token: checker.token,
    })

    expect(twice.status).toBe(409)
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'returned', failureCode: 'R01' })
    const reversals = await t.db.database.db.all<{ n: number }>(
      sql`select count(*) as n from ledger_transactions where idempotency_key = ${`purchase:${note.id}:reversed`}`,
    )
    expect(reversals).toEqual([{ n: 1 }])
    await expectLedgerClean(t)
  })
})
