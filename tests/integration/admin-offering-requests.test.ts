import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { offerings } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import type { TestApp } from '../support/app.ts'
import {
  askRateChange as askRateChangeAs,
  createDraft as createDraftAs,
  type ErrorBody,
  publishDraft,
} from '../support/offering-drafts.ts'
import { openWithTwoAdmins, signUp, signUpAdmin } from '../support/users.ts'

let t: TestApp
let maker: { token: string; userId: string }
let checker: { token: string; userId: string }

beforeEach(async () => {
  ;({ t, maker, checker } = await openWithTwoAdmins())
})
afterEach(() => t.close())

const createDraft = (body?: object) => createDraftAs(t, maker.token, body)
const askRateChange = (rateBps: number) => askRateChangeAs(t, { maker, checker }, rateBps)

describe('offering requests for a second administrator', () => {
  test('the asker can withdraw a waiting request; nobody else can, and it is then closed', async () => {
    const { id, asked } = await askRateChange(650)
    const { approvalId } = (await asked.json()) as { approvalId: string }
    const withdraw = (token: string) =>
      t.request(`/admin/approvals/${approvalId}/withdraw`, { json: {}, token })

    const byChecker = await withdraw(checker.token)
    expect(byChecker.status).toBe(409)
    expect(((await byChecker.json()) as ErrorBody).error.code).toBe('not_your_request')
    expect((await withdraw(maker.token)).status).toBe(200)
    expect((await withdraw(maker.token)).status).toBe(409)
    const approve = await t.request(`/admin/approvals/${approvalId}/approve`, {
      json: {},
      token: checker.token,
    })
    expect(approve.status).toBe(409)
    const row = await t.db.database.db.query.offerings.findFirst({ where: eq(offerings.id, id) })
    expect(row?.rateBps).toBe(575)

    const listed = await t.request('/admin/approvals', { token: checker.token })
    const { approvals } = (await listed.json()) as {
      approvals: { id: string; state: string; requestedByEmail: string }[]
    }
    expect(approvals.find((a) => a.id === approvalId)).toMatchObject({
      state: 'withdrawn',
      requestedByEmail: 'maker@example.com',
    })
    // Withdrawn, it no longer blocks asking again.
    const again = await t.request(`/admin/offerings/${id}/rate`, {
      json: { rateBps: 600 },
      token: maker.token,
    })
    expect(again.status).toBe(202)
  })

  test('a request turned down keeps the reason given, for the asker to read', async () => {
    const { asked } = await askRateChange(650)
    const { approvalId } = (await asked.json()) as { approvalId: string }
    const rejected = await t.request(`/admin/approvals/${approvalId}/reject`, {
      json: { reason: '  Too high for the current market.  ' },
      token: checker.token,
    })
    expect(await rejected.json()).toEqual({
      state: 'rejected',
      result: 'rejected: Too high for the current market.',
    })
    const listed = await t.request('/admin/approvals?state=rejected', { token: maker.token })
    const { approvals } = (await listed.json()) as { approvals: { result: string | null }[] }
    expect(approvals[0]?.result).toBe('rejected: Too high for the current market.')
    const tooLong = await t.request(`/admin/approvals/${approvalId}/reject`, {
      json: { reason: 'x'.repeat(501) },
      token: checker.token,
    })
    expect(tooLong.status).toBe(422)
  })

  test('a rate change waits for a second administrator, then applies once', async () => {
    const { id, asked } = await askRateChange(650)
    expect(asked.status).toBe(202)
    const { approvalId } = (await asked.json()) as { approvalId: string }

    const twice = await t.request(`/admin/offerings/${id}/rate`, {
      json: { rateBps: 700 },
      token: maker.token,
    })
    expect(twice.status).toBe(409)
    const self = await t.request(`/admin/approvals/${approvalId}/approve`, {
      json: {},
      token: maker.token,
    })
    expect(self.status).toBe(409)
    const row = await t.db.database.db.query.offerings.findFirst({ where: eq(offerings.id, id) })
    expect(row?.rateBps).toBe(575)

    const approved = await t.request(`/admin/approvals/${approvalId}/approve`, {
      json: {},
      token: checker.token,
    })
    expect(await approved.json()).toMatchObject({ state: 'executed' })
    const after = await t.db.database.db.query.offerings.findFirst({ where: eq(offerings.id, id) })
    expect(after?.rateBps).toBe(650)
    const replay = await t.request(`/admin/approvals/${approvalId}/approve`, {
      json: {},
      token: checker.token,
    })
    expect(replay.status).toBe(409)
  })

  test('an offering past its purchase window keeps its rate: nothing is bought or rolled into it again', async () => {
    const { body } = await createDraft()
    const id = body.offering.id
    await publishDraft(t, { maker, checker }, id)
    // Asked late on its last day of sale in New York, approved just after midnight there.
    t.clock.set(new Date('2026-05-01T03:00:00Z'))
    const late = {
      maker: await signUpAdmin(t, 'late-maker@example.com'),
      checker: await signUpAdmin(t, 'late-checker@example.com'),
    }
    const ask = (rateBps: number) =>
      t.request(`/admin/offerings/${id}/rate`, { json: { rateBps }, token: late.maker.token })
    const asked = await ask(650)
    expect(asked.status).toBe(202)
    const { approvalId } = (await asked.json()) as { approvalId: string }
    t.clock.set(new Date('2026-05-01T04:30:00Z'))
    const approved = await t.request(`/admin/approvals/${approvalId}/approve`, {
      json: {},
      token: late.checker.token,
    })
    expect(await approved.json()).toMatchObject({
      state: 'executed',
      result: 'not applied: the offering stopped selling on 2026-04-30',
    })

    const refused = await ask(700)
    expect(refused.status).toBe(409)
    expect(((await refused.json()) as ErrorBody).error).toMatchObject({
      code: 'offering_closed',
      message:
        'Series Z 9-Month Note stopped selling on April 30, 2026. Nothing can be bought or rolled into it now, so its rate cannot change.',
    })
    const row = await t.db.database.db.query.offerings.findFirst({ where: eq(offerings.id, id) })
    expect(row?.rateBps).toBe(575)
  })

  test('closing early stops new purchases; investors are refused admin routes', async () => {
    const { body } = await createDraft()
    const id = body.offering.id
    await publishDraft(t, { maker, checker }, id)
    const closed = await t.request(`/admin/offerings/${id}/close`, { json: {}, token: maker.token })
    expect(((await closed.json()) as { offering: { status: string } }).offering.status).toBe(
      'closed',
    )
    const investor = await signUp(t, 'ada@example.com')
    expect((await t.request('/admin/offerings', { token: investor.token })).status).toBe(403)
  })
})
