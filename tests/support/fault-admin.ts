import { currentTotpCode } from '@tenor/api/lib/totp'
import { type Admin, tally, type Workload } from './fault-workload.ts'
import { testPassword } from './users.ts'

/** Signs an administrator in again, two-factor included: admin tools need it verified. */
export async function signInAdmin(w: Workload, admin: Admin): Promise<string> {
  const res = await w.t.request('/auth/login', {
    json: { email: admin.email, password: testPassword },
  })
  const { token } = (await res.json()) as { token: string }
  const code = currentTotpCode(admin.secret, w.t.clock.now())
  const verified = await w.t.request('/auth/login/two-factor', { json: { code }, token })
  if (verified.status !== 200) throw new Error(`admin two-factor failed: ${verified.status}`)

  return token
}

/**
 * One administrator asks (a refund, a rate change, an offering's cancellation), the other
 * approves: money-moving actions need two. Answers the request's status and the result.
 */
export async function askAndApprove(
  w: Workload,
  path: string,
  json: object,
): Promise<{ asked: number; result: string | null }> {
  const [maker, checker] = w.choose.chance(0.5) ? w.admins : [w.admins[1], w.admins[0]]
  const asked = await w.t.request(path, { json, token: maker.token })
  if (asked.status !== 202) return { asked: asked.status, result: null }

  const { approvalId } = (await asked.json()) as { approvalId: string }
  const approved = await w.t.request(`/admin/approvals/${approvalId}/approve`, {
    json: {},
    token: checker.token,
  })
  if (approved.status !== 200) return { asked: asked.status, result: `approval ${approved.status}` }
  const { result } = (await approved.json()) as { result: string }

  return { asked: asked.status, result }
}

/**
 * The series' rate changes for new purchases, with a second administrator's approval; run
 * between batches, so every purchase is plainly before or after it.
 */
export async function changeSeriesRate(w: Workload): Promise<void> {
  const history = w.rates.get(w.series.id) ?? []
  const current = history.at(-1)?.rateBps
  const rateBps = w.choose.pick([600, 700, 900, 1000].filter((rate) => rate !== current))
  const { result } = await askAndApprove(w, `/admin/offerings/${w.series.id}/rate`, { rateBps })
  if (!result?.startsWith('rate changed')) return tally(w, `rate change: ${result}`)

  history.push({ from: w.t.clock.now(), rateBps })
  tally(w, 'rate changed')
}
