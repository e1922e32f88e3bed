import type { TestApp } from './app.ts'

/** A nine-month draft's terms, well formed and consistent, for the admin offering tests. */
export const draftTerms = {
  slug: 'series-z-9m',
  name: 'Series Z 9-Month Note',
  issuer: 'Tenor Funding I LLC',
  description: 'A nine-month note.',
  rateBps: 575,
  rateType: 'simple',
  compounding: null,
  dayCount: 'act_365f',
  termMonths: 9,
  capacityCents: 10_000_000,
  minPurchaseCents: 50_000,
  maxPurchaseCents: 1_000_000,
  incrementCents: 10_000,
  opensOn: '2026-03-01',
  closesOn: '2026-04-30',
  defaultMaturityInstruction: 'payout',
}

export interface ErrorBody {
  error: { code: string; message: string }
}

/** POST /admin/offerings as the given administrator; answers the response and its body. */
export async function createDraft(t: TestApp, token: string, body: object = draftTerms) {
  const res = await t.request('/admin/offerings', { json: body, token })
  return { res, body: (await res.json()) as { offering: { id: string; status: string } } }
}

/** Two administrators: one asks, the other approves (maker-checker). */
export interface AdminPair {
  maker: { token: string }
  checker: { token: string }
}

/**
 * The maker asks to publish a draft and the checker approves; answers the request's answer
 * and, if it was made, its id and the decision (the outcome is in `result`).
 */
export async function publishDraft(t: TestApp, admins: AdminPair, offeringId: string) {
  const asked = await t.request(`/admin/offerings/${offeringId}/publish`, {
    json: {},
    token: admins.maker.token,
  })
  if (asked.status !== 202) return { asked, approvalId: null, decided: null }
  const { approvalId } = (await asked.json()) as { approvalId: string }
  const res = await t.request(`/admin/approvals/${approvalId}/approve`, {
    json: {},
    token: admins.checker.token,
  })
  return { asked, approvalId, decided: (await res.json()) as { state: string; result: string } }
}

/** A published offering whose rate the maker asks to change; the request waits. */
export async function askRateChange(t: TestApp, admins: AdminPair, rateBps: number) {
  const { body } = await createDraft(t, admins.maker.token)
  const id = body.offering.id
  await publishDraft(t, admins, id)
  const asked = await t.request(`/admin/offerings/${id}/rate`, {
    json: { rateBps },
    token: admins.maker.token,
  })
  return { id, asked }
}
