import type { InferRequestType, InferResponseType } from 'hono/client'
import { type AdminApi, type AdminOutcome, readAdminProblem, refused } from './admin.ts'
import { type ApiClient, unexpected } from './api.ts'

export type AdminOffering = InferResponseType<
  AdminApi['offerings']['$get'],
  200
>['offerings'][number]
export type AdminOfferingDetail = InferResponseType<
  AdminApi['offerings'][':offeringId']['$get'],
  200
>
export type OfferingTerms = InferRequestType<AdminApi['offerings']['$post']>['json']

/** Every offering, drafts included, with capacity used and purchases by state. */
export async function listOfferings(api: ApiClient): Promise<AdminOffering[]> {
  const response = await api.admin.offerings.$get()
  if (response.status !== 200) throw unexpected(await readAdminProblem(response))

  return (await response.json()).offerings
}

/** One offering with its maturity schedule; null when there is no such offering. */
export async function findOffering(
  api: ApiClient,
  offeringId: string,
): Promise<AdminOfferingDetail | null> {
  const response = await api.admin.offerings[':offeringId'].$get({ param: { offeringId } })
  if (response.status === 200) return response.json()

  const problem = await readAdminProblem(response)
  if (problem.status === 404) return null
  throw unexpected(problem)
}

/** Creates a draft; a taken slug (409) or inconsistent terms (422) come back refused. */
export async function createOffering(
  api: ApiClient,
  terms: OfferingTerms,
): Promise<AdminOutcome<AdminOffering>> {
  const response = await api.admin.offerings.$post({ json: terms })
  if (response.status === 201) return { ok: true, value: (await response.json()).offering }

  return refused(await readAdminProblem(response), [409, 422])
}

/** Changes a draft's terms; published offerings are refused (409). */
export async function editOffering(
  api: ApiClient,
  offeringId: string,
  terms: OfferingTerms,
): Promise<AdminOutcome<AdminOffering>> {
  const response = await api.admin.offerings[':offeringId'].$patch({
    param: { offeringId },
    json: terms,
  })
  if (response.status === 200) return { ok: true, value: (await response.json()).offering }

  return refused(await readAdminProblem(response), [404, 409, 422])
}

/** Closes an open offering early: no new purchases. */
export async function closeOffering(
  api: ApiClient,
  offeringId: string,
): Promise<AdminOutcome<AdminOffering>> {
  const response = await api.admin.offerings[':offeringId'].close.$post({
    param: { offeringId },
    json: {},
  })
  if (response.status === 200) return { ok: true, value: (await response.json()).offering }

  return refused(await readAdminProblem(response), [404, 409, 422])
}

/** Asks a second administrator to approve opening a draft for purchases, on its terms now. */
export async function requestPublish(
  api: ApiClient,
  offeringId: string,
): Promise<AdminOutcome<{ approvalId: string }>> {
  const response = await api.admin.offerings[':offeringId'].publish.$post({
    param: { offeringId },
    json: {},
  })
  if (response.status === 202) return { ok: true, value: await response.json() }

  return refused(await readAdminProblem(response), [404, 409, 422])
}

/** Asks a second administrator to approve cancelling an offering (refunds move money). */
export async function requestCancellation(
  api: ApiClient,
  offeringId: string,
  reason: string,
): Promise<AdminOutcome<{ approvalId: string }>> {
  const response = await api.admin.offerings[':offeringId'].cancel.$post({
    param: { offeringId },
    json: { reason },
  })
  if (response.status === 202) return { ok: true, value: await response.json() }

  return refused(await readAdminProblem(response), [404, 409, 422])
}

/** Asks a second administrator to approve a new rate for an open offering. */
export async function requestRateChange(
  api: ApiClient,
  offeringId: string,
  rateBps: number,
): Promise<AdminOutcome<{ approvalId: string }>> {
  const response = await api.admin.offerings[':offeringId'].rate.$post({
    param: { offeringId },
    json: { rateBps },
  })
  if (response.status === 202) return { ok: true, value: await response.json() }

  return refused(await readAdminProblem(response), [404, 409, 422])
}
