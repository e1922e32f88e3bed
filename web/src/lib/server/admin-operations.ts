import type { InferResponseType } from 'hono/client'
import { type AdminApi, readAdminProblem } from './admin.ts'
import { type ApiClient, unexpected } from './api.ts'

export type Operations = InferResponseType<AdminApi['operations']['$get'], 200>
export type WorkerRun = Operations['workerRuns'][number]

/** Worker runs, failed emails, banks to reconnect, the last ledger check and payout funding. */
export async function getOperations(api: ApiClient): Promise<Operations> {
  const response = await api.admin.operations.$get()
  if (response.status !== 200) throw unexpected(await readAdminProblem(response))

  return response.json()
}
