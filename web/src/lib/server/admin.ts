import { error, redirect } from '@sveltejs/kit'
import type { InferResponseType } from 'hono/client'
import { type ApiClient, type ApiProblem, readProblem, unexpected } from './api.ts'

export type AdminApi = ApiClient['admin']

export type AdminUser = InferResponseType<AdminApi['users']['$get'], 200>['users'][number]
export type AdminUserDetail = InferResponseType<AdminApi['users'][':userId']['$get'], 200>
/** An admin action's outcome: done, or refused for a reason the page shows. */
export type AdminOutcome<T> = { ok: true; value: T } | { ok: false; problem: ApiProblem }

/**
 * Reads an admin route's refusal. A session whose second factor is not verified goes to the
 * step that fixes it; a user who is no longer an administrator sees "not found", as anyone
 * else would. Other refusals are the caller's to present.
 */
export async function readAdminProblem(response: {
  status: number
  text(): Promise<string>
}): Promise<ApiProblem> {
  const problem = await readProblem(response)
  if (problem.code === 'two_factor_required') redirect(303, '/admin/two-factor')
  if (problem.code === 'forbidden') error(404, 'Not found')

  return problem
}

/** Turns a refusal into an outcome when its status is one the page expects. */
export function refused(
  problem: ApiProblem,
  expected: number[],
): { ok: false; problem: ApiProblem } {
  if (!expected.includes(problem.status)) throw unexpected(problem)
  return { ok: false, problem }
}

/** Users whose email or name contains the query, newest first. */
export async function searchUsers(
  api: ApiClient,
  query: string,
  options: { limit?: number; kycStatus?: AdminUser['kycStatus'] } = {},
): Promise<AdminUser[]> {
  const response = await api.admin.users.$get({
    query: {
      query: query || undefined,
      kycStatus: options.kycStatus,
      limit: String(options.limit ?? 50),
    },
  })
  if (response.status !== 200) throw unexpected(await readAdminProblem(response))

  return (await response.json()).users
}

/** One user with their identity check (tax id masked); null when there is no such user. */
export async function findUser(api: ApiClient, userId: string): Promise<AdminUserDetail | null> {
  const response = await api.admin.users[':userId'].$get({ param: { userId } })
  if (response.status === 200) return response.json()

  const problem = await readAdminProblem(response)
  if (problem.status === 404) return null
  throw unexpected(problem)
}

/** Approves or rejects a submitted identity check; the API emails the investor. */
export async function decideKyc(
  api: ApiClient,
  userId: string,
  decision: { submittedAt: string } & (
    | { decision: 'approve' }
    | { decision: 'reject'; reason: string }
  ),
): Promise<AdminOutcome<null>> {
  const response = await api.admin.users[':userId'].kyc.$post({ param: { userId }, json: decision })
  if (response.status === 200) return { ok: true, value: null }

  return refused(await readAdminProblem(response), [404, 409, 422])
}

/** Disables or re-enables an account; disabling ends its sessions at once. */
export async function setUserStatus(
  api: ApiClient,
  userId: string,
  change: { status: 'disabled'; reason: string } | { status: 'active' },
): Promise<AdminOutcome<AdminUser>> {
  const user = api.admin.users[':userId']
  const response =
    change.status === 'disabled'
      ? await user.disable.$post({ param: { userId }, json: { reason: change.reason } })
      : await user.enable.$post({ param: { userId }, json: {} })
  if (response.status === 200) return { ok: true, value: (await response.json()).user }

  return refused(await readAdminProblem(response), [404, 409, 422])
}

/**
 * Revokes the admin role at once, or asks for it to be granted: a grant waits for a second
 * administrator's approval (`requested`).
 */
export async function setUserRole(
  api: ApiClient,
  userId: string,
  role: 'investor' | 'admin',
): Promise<AdminOutcome<'changed' | 'requested'>> {
  const response = await api.admin.users[':userId'].role.$post({
    param: { userId },
    json: { role },
  })
  if (response.status === 200) return { ok: true, value: 'changed' }
  if (response.status === 202) return { ok: true, value: 'requested' }

  return refused(await readAdminProblem(response), [404, 409, 422])
}
