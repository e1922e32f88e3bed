import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { cancelPendingPurchase } from '@tenor/api/purchases/cancel'
import { cancelledByTenorReasons } from '@tenor/api/purchases/reasons'
import { acquireLease } from '@tenor/db/lease'
import { createLogger } from '@tenor/db/logger'
import { adminApprovals, auditEvents, offerings, users } from '@tenor/db/schema'
import { runJob } from '@tenor/workers/job'
import { approvals } from '@tenor/workers/jobs/approvals'
import { and, eq } from 'drizzle-orm'
import { buyActiveNote } from '../support/maturities.ts'
import { createDraft, publishDraft } from '../support/offering-drafts.ts'
import { createPlaidTestApp, type PlaidTestApp } from '../support/plaid.ts'
import { addBuyer, addOffering, buy, readPurchase } from '../support/purchases.ts'
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

const minutes = (n: number) => n * 60 * 1000
const later = (n: number) => t.clock.set(new Date(t.clock.now().getTime() + minutes(n)))

/** What `decideApproval` writes first; the API then stops before the action. */
async function approveThenStop(approvalId: string) {
  await t.db.database.db
    .update(adminApprovals)
    .set({ state: 'approved', decidedBy: checker.userId, decidedAt: t.clock.now() })
    .where(eq(adminApprovals.id, approvalId))
}

/** A published offering at 5.00% whose change to `rateBps` was approved as the API stopped. */
async function rateChangeApprovedThenStopped(rateBps: number) {
  const offering = await addOffering(t, { rateBps: 500 })
  const asked = await t.request(`/admin/offerings/${offering.id}/rate`, {
    json: { rateBps },
    token: maker.token,
  })
  const { approvalId } = (await asked.json()) as { approvalId: string }
  await approveThenStop(approvalId)
  return { offeringId: offering.id, approvalId }
}

/** Runs the job as the worker does; answers the counts its "job succeeded" line reports. */
async function runApprovals() {
  const lines: Record<string, unknown>[] = []
  const log = createLogger('info', {}, (line) => lines.push(JSON.parse(line)))
  await runJob(approvals, { deps: t.deps, log })
  return lines.find((line) => line.event === 'job succeeded') ?? {}
}

const approvalOf = (id: string) =>
  t.db.database.db.query.adminApprovals.findFirst({ where: eq(adminApprovals.id, id) })
const rateOf = async (id: string) =>
  (await t.db.database.db.query.offerings.findFirst({ where: eq(offerings.id, id) }))?.rateBps
const auditsOf = (action: string) =>
  t.db.database.db.$count(auditEvents, eq(auditEvents.action, action))

describe('approved requests the API did not carry out', () => {
  test('are carried out by the worker once they have waited, as the approver, once', async () => {
    const { offeringId, approvalId } = await rateChangeApprovedThenStopped(650)

    // One the API may still be carrying out is left to it.
    expect(await runApprovals()).toMatchObject({ carriedOut: 0, failed: 0 })
    expect(await rateOf(offeringId)).toBe(500)

    later(11)
    expect(await runApprovals()).toMatchObject({ carriedOut: 1, failed: 0 })
    expect(await rateOf(offeringId)).toBe(650)
    expect(await approvalOf(approvalId)).toMatchObject({
      state: 'executed',
      result:
        'rate changed to 6.50% for new purchases (carried out by the worker: the API stopped first)',
    })
    const changed = await t.db.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'offering.rate.changed'))
    expect(changed.map((event) => event.adminId)).toEqual([checker.userId])

    // Done is done: a later run finds nothing.
    expect(await runApprovals()).toMatchObject({ carriedOut: 0, failed: 0 })
    expect(await auditsOf('offering.rate.changed')).toBe(1)
  })

  test('block a newer request for the same thing, and never undo a rate moved since', async () => {
    const { offeringId, approvalId } = await rateChangeApprovedThenStopped(650)
    const newer = await t.request(`/admin/offerings/${offeringId}/rate`, {
      json: { rateBps: 700 },
      token: maker.token,
    })
    expect(newer.status).toBe(409)
    expect(await newer.json()).toMatchObject({ error: { code: 'approval_pending' } })

    // The rate moved another way meanwhile (say, by hand at the database).
    await t.db.database.db
      .update(offerings)
      .set({ rateBps: 700 })
      .where(eq(offerings.id, offeringId))
    later(11)
    await runApprovals()
    expect(await rateOf(offeringId)).toBe(700)
    expect((await approvalOf(approvalId))?.result).toStartWith(
      'not applied: the rate is 7.00% now, not the 5.00% it was asked from; ask again',
    )
  })

  test('an action that ran before the API stopped is not done twice', async () => {
    const { offeringId, approvalId } = await rateChangeApprovedThenStopped(650)
    await t.db.database.db
      .update(offerings)
      .set({ rateBps: 650 })
      .where(eq(offerings.id, offeringId))
    later(11)

    expect(await runApprovals()).toMatchObject({ carriedOut: 1 })
    expect((await approvalOf(approvalId))?.result).toStartWith(
      'not applied: the rate is 6.50% already',
    )
    expect(await auditsOf('offering.rate.changed')).toBe(0)
  })

  test('one still being carried out (its lease held) is left alone', async () => {
    const { offeringId, approvalId } = await rateChangeApprovedThenStopped(650)
    later(11)
    // The API is slow, not gone: it holds the request's lease now.
    const held = await acquireLease(t.db.database, {
      name: `approval:${approvalId}`,
      holder: 'the API',
      now: t.deps.wallClock.now(),
      ttlMs: minutes(10),
    })
    expect(held).toBeTrue()

    expect(await runApprovals()).toMatchObject({ carriedOut: 0, failed: 0 })
    expect(await approvalOf(approvalId)).toMatchObject({ state: 'approved' })
    expect(await rateOf(offeringId)).toBe(500)
  })

  test('an approver who is no longer an administrator carries out nothing', async () => {
    const { offeringId, approvalId } = await rateChangeApprovedThenStopped(650)
    await t.db.database.db
      .update(users)
      .set({ role: 'investor' })
      .where(eq(users.id, checker.userId))
    later(11)

    expect(await runApprovals()).toMatchObject({ carriedOut: 0, failed: 1 })
    expect(await rateOf(offeringId)).toBe(500)
    expect(await approvalOf(approvalId)).toMatchObject({
      state: 'failed',
      result:
        'failed: not carried out, as the administrator who approved it no longer is one; ask again',
    })
  })

  test('a refund that set a note to be repaid before the API stopped reads as done, audited once', async () => {
    const offering = await addOffering(t)
    const ada = await addBuyer(t, 'ada@example.com')
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 50_000 })
    const asked = await t.request(`/admin/purchases/${note.id}/refund`, {
      json: { reason: 'Asked by the investor.' },
      token: maker.token,
    })
    const { approvalId } = (await asked.json()) as { approvalId: string }
    const approved = await t.request(`/admin/approvals/${approvalId}/approve`, {
      json: {},
      token: checker.token,
    })
    expect(approved.status).toBe(200)
    // As if the API stopped after the action committed, before recording how it went.
    await t.db.database.db
      .update(adminApprovals)
      .set({ state: 'approved', result: null, executedAt: null })
      .where(eq(adminApprovals.id, approvalId))
    later(11)

    expect(await runApprovals()).toMatchObject({ carriedOut: 1 })
    expect((await approvalOf(approvalId))?.result).toStartWith('note set to repay on ')
    const refunds = await t.db.database.db.$count(
      auditEvents,
      and(eq(auditEvents.action, 'purchase.refunded'), eq(auditEvents.targetId, note.id)),
    )
    expect(refunds).toBe(1)
  })

  test('one approved before the development clock was moved back is carried out, not left for months', async () => {
    const { offeringId, approvalId } = await rateChangeApprovedThenStopped(650)
    // The clock goes back a month: by it, the approval was made in the future.
    t.clock.set(new Date(t.clock.now().getTime() - 30 * 24 * 60 * minutes(1)))

    expect(await runApprovals()).toMatchObject({ carriedOut: 1 })
    expect(await rateOf(offeringId)).toBe(650)
    expect((await approvalOf(approvalId))?.state).toBe('executed')
  })

  test('a publish carried out before the API stopped reads as done, published once', async () => {
    const { body } = await createDraft(t, maker.token)
    const { approvalId, decided } = await publishDraft(t, { maker, checker }, body.offering.id)
    expect(decided).toMatchObject({ state: 'executed', result: 'published: on sale now' })
    // As if the API stopped after the action committed, before recording how it went.
    await t.db.database.db
      .update(adminApprovals)
      .set({ state: 'approved', result: null, executedAt: null })
      .where(eq(adminApprovals.id, approvalId ?? ''))
    later(11)

    expect(await runApprovals()).toMatchObject({ carriedOut: 1 })
    expect((await approvalOf(approvalId ?? ''))?.result).toStartWith('published')
    const published = await t.db.database.db.$count(
      auditEvents,
      and(eq(auditEvents.action, 'offering.publish'), eq(auditEvents.targetId, body.offering.id)),
    )
    expect(published).toBe(1)
  })

  test('a refund whose debit was cancelled before the API stopped reads as done, audited once', async () => {
    const offering = await addOffering(t)
    const ada = await addBuyer(t, 'ada@example.com')
    const bought = await buy(t, ada, { offeringId: offering.id, amountCents: 50_000 })
    const { purchase } = (await bought.json()) as { purchase: { id: string } }
    const asked = await t.request(`/admin/purchases/${purchase.id}/refund`, {
      json: { reason: 'Asked by the investor.' },
      token: maker.token,
    })
    const { approvalId } = (await asked.json()) as { approvalId: string }
    await approveThenStop(approvalId)
    // The API cancelled the debit, then stopped before recording the refund.
    const row = await readPurchase(t, purchase.id)
    const refundReason = cancelledByTenorReasons.refund
    expect(await cancelPendingPurchase(t.deps, row, 'refunded by Tenor', refundReason)).toBeTrue()
    later(11)

    expect(await runApprovals()).toMatchObject({ carriedOut: 1 })
    expect((await approvalOf(approvalId))?.result).toStartWith('debit cancelled before it went out')
    const refunds = await t.db.database.db.$count(
      auditEvents,
      and(eq(auditEvents.action, 'purchase.refunded'), eq(auditEvents.targetId, purchase.id)),
    )
    expect(refunds).toBe(1)
  })
})
