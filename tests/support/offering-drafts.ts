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

/** A published offering whose rate the administrator asks to change; the request waits. */
export async function askRateChange(t: TestApp, token: string, rateBps: number) {
  const { body } = await createDraft(t, token)
  const id = body.offering.id
  await t.request(`/admin/offerings/${id}/publish`, { json: {}, token })
  const asked = await t.request(`/admin/offerings/${id}/rate`, { json: { rateBps }, token })
  return { id, asked }
}
