import type { InferResponseType } from 'hono/client'
import { type ApiClient, type ApiProblem, readProblem, unexpected } from './api.ts'

/** One of the signed-in user's sessions: a browser or device that is logged in. */
export type AccountSession = InferResponseType<
  ApiClient['me']['sessions']['$get'],
  200
>['sessions'][number]

type Refusable<T> = { ok: true; value: T } | { ok: false; problem: ApiProblem }

/** Statuses a settings form shows to the user; anything else is unexpected. */
function refusal(problem: ApiProblem, expected: number[]): { ok: false; problem: ApiProblem } {
  if (!expected.includes(problem.status)) throw unexpected(problem)
  return { ok: false, problem }
}

/** The user's live sessions, most recently used first. */
export async function listSessions(api: ApiClient): Promise<AccountSession[]> {
  const response = await api.me.sessions.$get()
  if (response.status !== 200) throw unexpected(await readProblem(response))

  return (await response.json()).sessions
}

/** Ends one of the user's sessions; a 404 means it had already ended. */
export async function revokeSession(api: ApiClient, sessionId: string): Promise<Refusable<null>> {
  // The id comes from a form; the typed client puts params into the path as they are.
  const response = await api.me.sessions[':sessionId'].revoke.$post({
    param: { sessionId: encodeURIComponent(sessionId) },
    json: {},
  })
  if (response.status === 200) return { ok: true, value: null }

  return refusal(await readProblem(response), [404, 422])
}

/** Changes the password; the API ends every other session and says how many. */
export async function changePassword(
  api: ApiClient,
  input: { currentPassword: string; newPassword: string },
): Promise<Refusable<{ sessionsEnded: number }>> {
  const response = await api.me.password.$post({ json: input })
  if (response.status === 200) {
    const { sessionsEnded } = await response.json()
    return { ok: true, value: { sessionsEnded } }
  }

  return refusal(await readProblem(response), [400, 422, 429])
}

/**
 * Asks to move the account to a new address. The API answers alike whether or not the address
 * is free, so this form cannot tell anyone who has an account.
 */
export async function changeEmail(
  api: ApiClient,
  input: { newEmail: string; password: string },
): Promise<Refusable<null>> {
  const response = await api.me.email.$post({ json: input })
  if (response.status === 202) return { ok: true, value: null }

  return refusal(await readProblem(response), [400, 422, 429])
}

/** The address an email change waits to be confirmed at, if one does. */
export async function getPendingEmail(api: ApiClient): Promise<string | null> {
  const response = await api.me.email.$get()
  if (response.status !== 200) throw unexpected(await readProblem(response))
  return (await response.json()).pendingEmail?.email ?? null
}

/** Withdraws a waiting email change: the link sent to the new address stops working. */
export async function withdrawEmailChange(api: ApiClient): Promise<void> {
  const response = await api.me.email.$delete({ json: {} })
  if (response.status !== 200) throw unexpected(await readProblem(response))
}

/** How many of the user's two-factor recovery codes are still unused. */
export async function countRecoveryCodes(api: ApiClient): Promise<number> {
  const response = await api.me['two-factor']['recovery-codes'].$get()
  if (response.status !== 200) throw unexpected(await readProblem(response))

  return (await response.json()).left
}

/** Makes a new set of recovery codes (the old set stops working); answers them, shown once. */
export async function renewRecoveryCodes(
  api: ApiClient,
  input: { password: string; code: string },
): Promise<Refusable<{ recoveryCodes: string[] }>> {
  const response = await api.me['two-factor']['recovery-codes'].$post({ json: input })
  if (response.status === 200) return { ok: true, value: await response.json() }

  return refusal(await readProblem(response), [400, 422, 429])
}
