import type { InferResponseType } from 'hono/client'
import { type AdminApi, type AdminOutcome, readAdminProblem, refused } from './admin.ts'
import { type ApiClient, unexpected } from './api.ts'

export type Approval = InferResponseType<AdminApi['approvals']['$get'], 200>['approvals'][number]
export type AuditEvent = InferResponseType<AdminApi['audit']['$get'], 200>['events'][number]

/** Requests for a second administrator, newest first; all of them, or those in one state. */
export async function listApprovals(
  api: ApiClient,
  state?: Approval['state'],
): Promise<Approval[]> {
  const response = await api.admin.approvals.$get({ query: { state } })
  if (response.status !== 200) throw unexpected(await readAdminProblem(response))

  return (await response.json()).approvals
}

/** Takes back one's own request while it still waits; 409 once it was decided. */
export async function withdrawApproval(
  api: ApiClient,
  approvalId: string,
): Promise<AdminOutcome<null>> {
  // The id comes from a form; the typed client puts params into the path as they are.
  const response = await api.admin.approvals[':approvalId'].withdraw.$post({
    param: { approvalId: encodeURIComponent(approvalId) },
    json: {},
  })
  if (response.status === 200) return { ok: true, value: null }

  return refused(await readAdminProblem(response), [404, 409, 422])
}

/** Approves (and so carries out) or rejects another administrator's request. */
export async function decideApproval(
  api: ApiClient,
  approvalId: string,
  decision: { approve: true } | { approve: false; reason: string },
): Promise<AdminOutcome<{ state: string; result: string }>> {
  const approval = api.admin.approvals[':approvalId']
  // The id comes from a form; the typed client puts params into the path as they are.
  const param = { approvalId: encodeURIComponent(approvalId) }
  const response = decision.approve
    ? await approval.approve.$post({ param, json: {} })
    : await approval.reject.$post({ param, json: { reason: decision.reason || undefined } })
  if (response.status === 200) return { ok: true, value: await response.json() }

  return refused(await readAdminProblem(response), [404, 409, 422])
}

/** The audit trail, newest first; only one target's events when `targetId` is given. */
export async function listAudit(
  api: ApiClient,
  filter: { targetId?: string; limit?: number } = {},
): Promise<AuditEvent[]> {
  const response = await api.admin.audit.$get({
    query: { targetId: filter.targetId || undefined, limit: String(filter.limit ?? 100) },
  })
  if (response.status !== 200) throw unexpected(await readAdminProblem(response))

  return (await response.json()).events
}
