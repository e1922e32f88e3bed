import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { matureDueHoldings } from '@tenor/api/maturities/due'
import { toCalendarDate } from '@tenor/db/domain'
import { createLogger } from '@tenor/db/logger'
import { auditEvents } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import {
  buyActiveNote,
  creditsAtPlaid,
  heldMoneyInReview,
  linkAnotherBank,
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
  readPurchase,
  simulateTransfer,
} from '../support/purchases.ts'
import { type Offering, openScene } from '../support/scene.ts'
import { signUpAdmin } from '../support/users.ts'

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
  maker = await signUpAdmin(t, 'maker@example.com')
  checker = await signUpAdmin(t, 'checker@example.com')
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

function askToRelease(purchaseId: string, token = maker.token) {
  return t.request(`/admin/purchases/${purchaseId}/payment/release`, {
    json: { reason: 'Investor confirmed the disputed debit was a mistake by their bank.' },
    token,
  })
}

async function release(purchaseId: string): Promise<string> {
  const asked = await askToRelease(purchaseId)
  expect(asked.status).toBe(202)
  const { approvalId } = (await asked.json()) as { approvalId: string }
  const approved = await t.request(`/admin/approvals/${approvalId}/approve`, {
    json: {},
    token: checker.token,
  })
  expect(approved.status).toBe(200)
  return ((await approved.json()) as { result: string }).result
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
    await matureDueHoldings(t.deps, createLogger('silent'), toCalendarDate('2026-09-02'))
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
