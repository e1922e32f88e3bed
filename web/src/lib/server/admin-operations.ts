import type { InferResponseType } from 'hono/client'
import { type AdminApi, type AdminOutcome, readAdminProblem, refused } from './admin.ts'
import { type ApiClient, unexpected } from './api.ts'

export type Operations = InferResponseType<AdminApi['operations']['$get'], 200>
export type WorkerRun = Operations['workerRuns'][number]

/** Worker runs, failed emails, banks to reconnect, the last ledger check and payout funding. */
export async function getOperations(api: ApiClient): Promise<Operations> {
  const response = await api.admin.operations.$get()
  if (response.status !== 200) throw unexpected(await readAdminProblem(response))

  return response.json()
}

/** Puts an email that was not delivered back in the outbox, to be sent again. */
export async function retryEmail(api: ApiClient, emailId: string): Promise<AdminOutcome<null>> {
  // The id comes from a form; the typed client puts params into the path as they are.
  const param = { emailId: encodeURIComponent(emailId) }
  const response = await api.admin.emails[':emailId'].retry.$post({ param, json: {} })
  if (response.status === 200) return { ok: true, value: null }

  return refused(await readAdminProblem(response), [404, 409, 422])
}
