import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { createLogger } from '@tenor/db/logger'
import { adminApprovals, auditEvents, offerings } from '@tenor/db/schema'
import { runJob } from '@tenor/workers/job'
import { approvals } from '@tenor/workers/jobs/approvals'
import { eq } from 'drizzle-orm'
import type { TestApp } from '../support/app.ts'
import { openWithTwoAdmins } from '../support/users.ts'

let t: TestApp
let maker: { token: string; userId: string }
let checker: { token: string; userId: string }

beforeEach(async () => {
  ;({ t, maker, checker } = await openWithTwoAdmins())
})
afterEach(() => t.close())

const minutes = (n: number) => n * 60 * 1000

/**
 * A published offering whose rate change the checker approved just before the API stopped: the
 * approval is recorded, its action never ran.
 */
async function rateChangeApprovedThenStopped(rateBps: number) {
  const created = await t.request('/admin/offerings', {
    json: {
      slug: 'series-q-6m',
      name: 'Series Q',
      issuer: 'Tenor Funding I LLC',
      description: 'A six-month note.',
      rateBps: 500,
      rateType: 'simple',
      compounding: null,
      dayCount: 'act_365f',
      termMonths: 6,
      capacityCents: 10_000_000,
      minPurchaseCents: 50_000,
      maxPurchaseCents: 1_000_000,
      incrementCents: 10_000,
      opensOn: '2026-03-01',
      closesOn: '2026-04-30',
    },
    token: maker.token,
  })
  const { offering } = (await created.json()) as { offering: { id: string } }
  await t.request(`/admin/offerings/${offering.id}/publish`, { json: {}, token: maker.token })
  const asked = await t.request(`/admin/offerings/${offering.id}/rate`, {
    json: { rateBps },
    token: maker.token,
  })
  const { approvalId } = (await asked.json()) as { approvalId: string }
  // What `decideApproval` writes first; the API stops before the action.
  await t.db.database.db
    .update(adminApprovals)
    .set({ state: 'approved', decidedBy: checker.userId, decidedAt: t.clock.now() })
    .where(eq(adminApprovals.id, approvalId))
  return { offeringId: offering.id, approvalId }
}

/** Runs the job as the worker does; answers the counts its "job succeeded" line reports. */
async function runApprovals() {
  const lines: Record<string, unknown>[] = []
  const log = createLogger('info', {}, (line) => lines.push(JSON.parse(line)))
  await runJob(approvals, { deps: t.deps, log })
  return { counts: lines.find((line) => line.event === 'job succeeded') ?? {} }
}

const approvalOf = (id: string) =>
  t.db.database.db.query.adminApprovals.findFirst({ where: eq(adminApprovals.id, id) })
const rateOf = async (id: string) =>
  (await t.db.database.db.query.offerings.findFirst({ where: eq(offerings.id, id) }))?.rateBps

describe('approved requests the API did not carry out', () => {
  test('are carried out by the worker once they have waited, as the approver, once', async () => {
    const { offeringId, approvalId } = await rateChangeApprovedThenStopped(650)

    // One the API may still be carrying out is left to it.
    expect((await runApprovals()).counts).toMatchObject({ carriedOut: 0, failed: 0 })
    expect(await rateOf(offeringId)).toBe(500)

    t.clock.set(new Date(t.clock.now().getTime() + minutes(11)))
    expect((await runApprovals()).counts).toMatchObject({ carriedOut: 1, failed: 0 })
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
    expect((await runApprovals()).counts).toMatchObject({ carriedOut: 0, failed: 0 })
    expect(
      await t.db.database.db.$count(auditEvents, eq(auditEvents.action, 'offering.rate.changed')),
    ).toBe(1)
  })

  test('an action that ran before the API stopped is not done twice', async () => {
    const { offeringId, approvalId } = await rateChangeApprovedThenStopped(650)
    // The rate was set, but the outcome was never recorded.
    await t.db.database.db
      .update(offerings)
      .set({ rateBps: 650 })
      .where(eq(offerings.id, offeringId))
    t.clock.set(new Date(t.clock.now().getTime() + minutes(11)))

    expect((await runApprovals()).counts).toMatchObject({ carriedOut: 1 })
    expect((await approvalOf(approvalId))?.result).toStartWith(
      'not applied: the rate is 6.50% already',
    )
    expect(
      await t.db.database.db.$count(auditEvents, eq(auditEvents.action, 'offering.rate.changed')),
    ).toBe(0)
  })

  test('a request approved through the API is carried out there, and the worker leaves it', async () => {
    const created = await rateChangeApprovedThenStopped(650)
    // Another request, approved the ordinary way.
    await t.db.database.db
      .update(adminApprovals)
      .set({ state: 'pending', decidedBy: null, decidedAt: null })
      .where(eq(adminApprovals.id, created.approvalId))
    const approved = await t.request(`/admin/approvals/${created.approvalId}/approve`, {
      json: {},
      token: checker.token,
    })
    expect(approved.status).toBe(200)
    t.clock.set(new Date(t.clock.now().getTime() + minutes(11)))

    expect((await runApprovals()).counts).toMatchObject({ carriedOut: 0 })
    expect((await approvalOf(created.approvalId))?.result).toBe(
      'rate changed to 6.50% for new purchases',
    )
  })
})
