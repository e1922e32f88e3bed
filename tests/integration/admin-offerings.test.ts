import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { auditEvents, offerings } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import type { TestApp } from '../support/app.ts'
import {
  buyActiveNote,
  buyNoteRollingInto,
  readPayout,
  runWorkerJob,
  signInAgain,
} from '../support/maturities.ts'
import {
  askRateChange as askRateChangeAs,
  createDraft as createDraftAs,
  draftTerms,
  publishDraft,
} from '../support/offering-drafts.ts'
import { createPlaidTestApp } from '../support/plaid.ts'
import { addBuyer, addOffering, readPurchase, simulateTransfer } from '../support/purchases.ts'
import { openWithTwoAdmins, signUpAdmin } from '../support/users.ts'

let t: TestApp
let maker: { token: string; userId: string }
let checker: { token: string; userId: string }

beforeEach(async () => {
  ;({ t, maker, checker } = await openWithTwoAdmins())
})
afterEach(() => t.close())

const terms = draftTerms
const createDraft = (body?: object) => createDraftAs(t, maker.token, body)
const publish = (id: string) => publishDraft(t, { maker, checker }, id)

describe('admin offerings', () => {
  test('creates a draft, edits it, publishes it, and investors then see it', async () => {
    const { res, body } = await createDraft()
    expect(res.status).toBe(201)
    expect(body.offering.status).toBe('draft')
    expect((await t.request('/offerings/series-z-9m')).status).toBe(404)

    const id = body.offering.id
    const edit = await t.request(`/admin/offerings/${id}`, {
      method: 'PATCH',
      json: { rateBps: 600 },
      token: maker.token,
    })
    expect(edit.status).toBe(200)
    // Asking to publish opens nothing: a second administrator must approve.
    const asked = await t.request(`/admin/offerings/${id}/publish`, {
      json: {},
      token: maker.token,
    })
    expect(asked.status).toBe(202)
    expect((await t.request('/offerings/series-z-9m')).status).toBe(404)
    const { approvalId } = (await asked.json()) as { approvalId: string }
    const own = await t.request(`/admin/approvals/${approvalId}/approve`, {
      json: {},
      token: maker.token,
    })
    expect(own.status).toBe(409)
    const approved = await t.request(`/admin/approvals/${approvalId}/approve`, {
      json: {},
      token: checker.token,
    })
    expect(await approved.json()).toMatchObject({
      state: 'executed',
      result: 'published: on sale now',
    })
    const visible = (await (await t.request('/offerings/series-z-9m')).json()) as {
      offering: { rateBps: number; openForPurchase: boolean }
    }
    expect(visible.offering).toMatchObject({ rateBps: 600, openForPurchase: true })

    const again = await t.request(`/admin/offerings/${id}`, {
      method: 'PATCH',
      json: { rateBps: 900 },
      token: maker.token,
    })
    expect(again.status).toBe(409)
    // An edit that could never be made says so first, ill-formed or not.
    const patch = (path: string) =>
      t.request(path, { method: 'PATCH', json: { rateBps: 'nine' }, token: maker.token })
    expect((await patch(`/admin/offerings/${id}`)).status).toBe(409)
    expect((await patch('/admin/offerings/no-such-offering')).status).toBe(404)
  })

  test('a draft cannot take a slug another offering uses, and an unchanged save writes nothing', async () => {
    await createDraft()
    const { body } = await createDraft({ ...terms, slug: 'series-y-9m', name: 'Series Y' })
    const id = body.offering.id
    const patch = (json: object) =>
      t.request(`/admin/offerings/${id}`, { method: 'PATCH', json, token: maker.token })
    const edits = async () =>
      (await t.db.database.db.select().from(auditEvents)).filter(
        (event) => event.action === 'offering.edit',
      )

    const taken = await patch({ slug: 'series-z-9m', rateBps: 650 })
    expect(taken.status).toBe(409)
    expect(((await taken.json()) as { error: { code: string } }).error.code).toBe('slug_taken')
    const [kept] = await t.db.database.db.select().from(offerings).where(eq(offerings.id, id))
    expect(kept).toMatchObject({ slug: 'series-y-9m', rateBps: terms.rateBps })

    expect((await patch({ slug: 'series-y-9m', name: 'Series Y' })).status).toBe(200)
    expect(await edits()).toHaveLength(0)
    // An ill-formed edit is still judged against the draft's stored terms: both named at once.
    const both = await patch({ minPurchaseCents: 3_000_000, rateBps: 'nine' })
    const { error } = (await both.json()) as { error: { issues: { path: string }[] } }
    expect(error.issues.map((issue) => issue.path).sort()).toEqual(['minPurchaseCents', 'rateBps'])
    // A number the form could not read goes as null: refused whole, the rest not saved.
    const unread = await patch({ rateBps: null, name: 'Series Y renamed' })
    expect(unread.status).toBe(422)
    expect(await edits()).toHaveLength(0)
    expect((await patch({ slug: 'series-x-9m' })).status).toBe(200)
    expect((await edits()).map((event) => event.after)).toEqual([
      JSON.stringify({ slug: 'series-x-9m' }),
    ])
  })

  test("says where today falls against each offering's window", async () => {
    const { body } = await createDraft()
    await publish(body.offering.id)
    const windowOf = async () => {
      const res = await t.request('/admin/offerings', { token: maker.token })
      const { offerings: rows } = (await res.json()) as {
        offerings: { id: string; status: string; window: string }[]
      }
      return rows.find((row) => row.id === body.offering.id)
    }
    expect(await windowOf()).toMatchObject({ status: 'open', window: 'within' })
    // Still open in status once its closing day has passed, but selling nothing.
    await t.db.database.db
      .update(offerings)
      .set({ closesOn: '2026-03-01' })
      .where(eq(offerings.id, body.offering.id))
    expect(await windowOf()).toMatchObject({ status: 'open', window: 'after' })
  })

  test('a draft edited after the request to publish it is not published on the new terms', async () => {
    const { body } = await createDraft()
    const id = body.offering.id
    const asked = await t.request(`/admin/offerings/${id}/publish`, {
      json: {},
      token: maker.token,
    })
    expect(asked.status).toBe(202)
    const { approvalId } = (await asked.json()) as { approvalId: string }
    const edit = await t.request(`/admin/offerings/${id}`, {
      method: 'PATCH',
      json: { rateBps: 5000 },
      token: maker.token,
    })
    expect(edit.status).toBe(200)

    // The approver saw the first terms; the draft's are not those any more.
    const decided = await t.request(`/admin/approvals/${approvalId}/approve`, {
      json: {},
      token: checker.token,
    })
    expect(await decided.json()).toMatchObject({
      state: 'executed',
      result: 'not applied: the draft was edited after the request; ask again',
    })
    expect((await t.request('/offerings/series-z-9m')).status).toBe(404)

    // Asked again, the approver sees the new rate, and it goes live.
    expect((await publish(id)).decided).toMatchObject({ result: 'published: on sale now' })
    const live = (await (await t.request('/offerings/series-z-9m')).json()) as {
      offering: { rateBps: number }
    }
    expect(live.offering.rateBps).toBe(5000)
  })

  test('refuses inconsistent terms field by field', async () => {
    const res = await t.request('/admin/offerings', {
      json: { ...terms, rateType: 'compound', minPurchaseCents: 2_000_000, closesOn: '2026-02-01' },
      token: maker.token,
    })
    expect(res.status).toBe(422)
    const body = (await res.json()) as { error: { issues: { path: string }[] } }
    expect(body.error.issues.map((i) => i.path).sort()).toEqual([
      'closesOn',
      'compounding',
      'minPurchaseCents',
    ])

    // A field that is not well formed does not hide how the others disagree.
    const alongside = await t.request('/admin/offerings', {
      json: { ...terms, description: '  ', termMonths: 'six', closesOn: '2026-02-01' },
      token: maker.token,
    })
    expect(alongside.status).toBe(422)
    const both = (await alongside.json()) as { error: { issues: { path: string }[] } }
    expect(both.error.issues.map((i) => i.path).sort()).toEqual([
      'closesOn',
      'description',
      'termMonths',
    ])
    expect(await t.db.database.db.$count(offerings)).toBe(0)
  })

  test("says what is wrong with a field in the admin's words, not the validator's", async () => {
    const res = await t.request('/admin/offerings', {
      json: { ...terms, description: '   ', termMonths: 0, rateBps: 12.5 },
      token: maker.token,
    })
    expect(res.status).toBe(422)
    const body = (await res.json()) as { error: { issues: { path: string; message: string }[] } }
    expect(Object.fromEntries(body.error.issues.map((i) => [i.path, i.message]))).toEqual({
      description: 'Fill this in.',
      termMonths: 'At least one month.',
      rateBps: 'Enter the rate in whole basis points.',
    })
  })

  test('keeps names to one line of visible text (they go into email subjects)', async () => {
    const res = await t.request('/admin/offerings', {
      json: { ...terms, issuer: 'Tenor\u200bFunding' },
      token: maker.token,
    })
    expect(res.status).toBe(422)
    const body = (await res.json()) as { error: { issues: { path: string; message: string }[] } }
    expect(body.error.issues).toEqual([
      { path: 'issuer', message: 'Use letters, digits, spaces and punctuation only.' },
    ])
    // Line breaks in a name become spaces; a description keeps its own.
    const { res: created, body: made } = await createDraft({
      ...terms,
      name: '  Series Z\r\n  nine months ',
      description: 'Two lines\nare fine.',
    })
    expect(created.status).toBe(201)
    expect(made.offering).toMatchObject({
      name: 'Series Z nine months',
      description: 'Two lines\nare fine.',
    })
  })

  test('refuses dates no note could run to, instead of failing on them', async () => {
    for (const opensOn of ['9999-12-01', '0000-02-29', '1999-12-31']) {
      const res = await t.request('/admin/offerings', {
        json: { ...terms, opensOn, termMonths: 360 },
        token: maker.token,
      })
      expect(res.status).toBe(422)
    }
  })

  test('refuses a maximum purchase above $1,000,000 and terms whose payout is out of reach', async () => {
    const res = await t.request('/admin/offerings', {
      json: {
        ...terms,
        rateBps: 5000,
        rateType: 'compound',
        compounding: 'monthly',
        termMonths: 360,
        capacityCents: 100_000_000_000,
        maxPurchaseCents: 100_000_000_000,
      },
      token: maker.token,
    })
    expect(res.status).toBe(422)
    const body = (await res.json()) as { error: { issues: { path: string; message: string }[] } }
    expect(body.error.issues).toEqual([
      { path: 'maxPurchaseCents', message: 'A purchase can be at most $1,000,000.00.' },
      {
        path: 'rateBps',
        message: expect.stringContaining('more than one ACH payment can carry'),
      },
    ])
    expect(await t.db.database.db.$count(offerings)).toBe(0)

    const largest = await createDraft({
      ...terms,
      capacityCents: 100_000_000,
      maxPurchaseCents: 100_000_000,
    })
    expect(largest.res.status).toBe(201)
  })

  test('accepts the longest term at the highest rate while its payout stays payable', async () => {
    const simple = { ...terms, rateBps: 5000, termMonths: 360, maxPurchaseCents: 100_000_000 }
    expect((await createDraft({ ...simple, capacityCents: 100_000_000 })).res.status).toBe(201)
  })

  test('refuses a rate change whose payout would be out of reach', async () => {
    const { body } = await createDraft({
      ...terms,
      rateType: 'compound',
      compounding: 'daily',
      termMonths: 360,
      maxPurchaseCents: 100_000_000,
      capacityCents: 100_000_000,
    })
    await publish(body.offering.id)
    const res = await t.request(`/admin/offerings/${body.offering.id}/rate`, {
      json: { rateBps: 5000 },
      token: maker.token,
    })
    expect(res.status).toBe(422)
    const { error } = (await res.json()) as { error: { issues: { path: string }[] } }
    expect(error.issues.map((i) => i.path)).toEqual(['rateBps'])
  })

  test('refuses a rate change to the rate it has, which would only stand in the way of a real one', async () => {
    const { id, asked } = await askRateChangeAs(t, { maker, checker }, terms.rateBps)
    expect(asked.status).toBe(422)
    const { error } = (await asked.json()) as {
      error: { issues: { path: string; message: string }[] }
    }
    expect(error.issues).toEqual([
      { path: 'rateBps', message: 'That is the rate it has now. Enter the new rate.' },
    ])
    const real = await t.request(`/admin/offerings/${id}/rate`, {
      json: { rateBps: terms.rateBps + 40 },
      token: maker.token,
    })
    expect(real.status).toBe(202)
  })

  test("refuses a rollover as an offering's default: notes are paid out unless the investor picks an offering", async () => {
    for (const instruction of ['rollover_all', 'rollover_principal']) {
      const res = await t.request('/admin/offerings', {
        json: { ...terms, defaultMaturityInstruction: instruction },
        token: maker.token,
      })
      expect(res.status).toBe(422)
      const { error } = (await res.json()) as { error: { issues: { path: string }[] } }
      expect(error.issues.map((i) => i.path)).toEqual(['defaultMaturityInstruction'])
    }

    const { defaultMaturityInstruction: _, ...withoutDefault } = terms
    const { res, body } = await createDraft(withoutDefault)
    expect(res.status).toBe(201)
    expect(body.offering).toMatchObject({ defaultMaturityInstruction: 'payout' })
    const edit = await t.request(`/admin/offerings/${body.offering.id}`, {
      method: 'PATCH',
      json: { defaultMaturityInstruction: 'rollover_all' },
      token: maker.token,
    })
    expect(edit.status).toBe(422)
  })

  test('will not publish a draft stored earlier with a rollover default', async () => {
    const { body } = await createDraft()
    await t.db.database.db
      .update(offerings)
      .set({ defaultMaturityInstruction: 'rollover_all' })
      .where(eq(offerings.id, body.offering.id))
    const res = await t.request(`/admin/offerings/${body.offering.id}/publish`, {
      json: {},
      token: maker.token,
    })
    expect(res.status).toBe(422)
  })

  test('will not publish an offering whose closing date has passed', async () => {
    const { body } = await createDraft({ ...terms, opensOn: '2026-01-01', closesOn: '2026-02-01' })
    const res = await t.request(`/admin/offerings/${body.offering.id}/publish`, {
      json: {},
      token: maker.token,
    })
    expect(res.status).toBe(422)
  })
})

describe('audit trail', () => {
  test('records every admin action with who, what, before and after, and cannot be edited', async () => {
    const { body } = await createDraft()
    await publish(body.offering.id)
    const res = await t.request(`/admin/audit?targetId=${body.offering.id}`, {
      token: checker.token,
    })
    const { events } = (await res.json()) as {
      events: { action: string; adminEmail: string; before: string | null; after: string | null }[]
    }
    expect(events.map((e) => e.action)).toEqual([
      'offering.publish',
      'offering.publish.approved',
      'offering.publish.requested',
      'offering.create',
    ])
    // Published by the administrator who approved it, on the terms the other one asked with.
    expect(events[0]).toMatchObject({
      adminEmail: 'checker@example.com',
      before: '{"status":"draft"}',
    })
    expect(events[2]).toMatchObject({ adminEmail: 'maker@example.com' })
    expect(JSON.parse(events[2]?.after ?? '{}')).toMatchObject({ rateBps: terms.rateBps })

    const client = t.db.database.client
    expect(client.execute("update audit_events set action = 'x'")).rejects.toThrow('append-only')
    expect(client.execute('delete from audit_events')).rejects.toThrow('append-only')
    expect(await t.db.database.db.$count(auditEvents)).toBeGreaterThanOrEqual(2)
  })
})

describe('the maturity schedule', () => {
  test('GET /admin/offerings/{id} counts only notes still owed: active, or matured and not yet paid', async () => {
    const p = await createPlaidTestApp()
    try {
      const series = await addOffering(p)
      const target = await addOffering(p, { name: 'Tenor Note Series B', closesOn: '2026-12-31' })
      let ada = await addBuyer(p, 'ada@example.com')
      // Bought March 2, maturing September 2: one still paying out, one paid, one whose
      // principal rolled into Series B, so only its interest is still owed here.
      const sending = await buyActiveNote(p, ada, { offeringId: series.id, amountCents: 300_000 })
      const paid = await buyActiveNote(p, ada, { offeringId: series.id, amountCents: 400_000 })
      await buyNoteRollingInto(p, ada, {
        offeringId: series.id,
        rollTo: target.slug,
        instruction: 'rollover_principal',
      })
      // Bought March 3, maturing September 3: one held, one whose debit came back.
      p.clock.set(new Date('2026-03-03T15:00:00Z'))
      ada = await signInAgain(p, ada)
      await buyActiveNote(p, ada, { offeringId: series.id, amountCents: 100_000 })
      const returned = await buyActiveNote(p, ada, {
        offeringId: series.id,
        amountCents: 200_000,
      })
      await simulateTransfer(p, returned.transferId ?? '', 'returned', 'R01')
      await p.deps.syncTransfers()

      p.clock.set(new Date('2026-09-02T15:00:00Z'))
      await runWorkerJob(p)
      const { transferId } = await readPayout(p, paid.id)
      await simulateTransfer(p, transferId ?? '', 'posted')
      await simulateTransfer(p, transferId ?? '', 'settled')
      await p.deps.syncTransfers()
      expect((await readPurchase(p, sending.id)).state).toBe('matured')
      expect((await readPurchase(p, paid.id)).state).toBe('paid')

      const admin = await signUpAdmin(p, 'admin@example.com')
      const res = await p.request(`/admin/offerings/${series.id}`, { token: admin.token })
      const body = (await res.json()) as { maturitySchedule: unknown[] }
      // Each owes what its payout still pays: the one paying out its principal and interest,
      // the one rolled over its interest alone ($1,000 at 8% for 184 days: $40.33).
      const sendingInterest = (await readPayout(p, sending.id)).amountCents - 300_000
      expect(body.maturitySchedule).toEqual([
        {
          maturityDate: '2026-09-02',
          principalCents: 300_000,
          interestCents: sendingInterest + 4_033,
          notes: 2,
        },
        { maturityDate: '2026-09-03', principalCents: 100_000, interestCents: 4_033, notes: 1 },
      ])
      expect(sendingInterest).toBe(12_099)
    } finally {
      p.close()
    }
  })
})
