import type { InferRequestType, InferResponseType } from 'hono/client'
import { type ApiClient, type ApiProblem, readProblem, unexpected } from './api.ts'

/** The investor's identity check as the API shows it: the tax id only ever masked. */
export type Kyc = InferResponseType<ApiClient['kyc']['$get'], 200>
export type KycProfile = NonNullable<Kyc['profile']>
export type KycSubmission = InferRequestType<ApiClient['kyc']['$post']>['json']

/** The identity form's fields, as the page posts them. */
export const kycFormFields = [
  'legalName',
  'dateOfBirth',
  'line1',
  'line2',
  'city',
  'region',
  'postalCode',
  'taxIdKind',
  'taxId',
  'attestation',
] as const

export async function getKyc(api: ApiClient): Promise<Kyc> {
  const response = await api.kyc.$get()
  if (response.status !== 200) throw unexpected(await readProblem(response))

  return response.json()
}

/**
 * Sends identity details for review. A refusal the investor can act on (a field to correct,
 * an email to confirm first, a check already under way) comes back as the problem.
 */
export async function submitKyc(
  api: ApiClient,
  submission: KycSubmission,
): Promise<{ ok: true; kyc: Kyc } | { ok: false; problem: ApiProblem }> {
  const response = await api.kyc.$post({ json: submission })
  if (response.status === 202) return { ok: true, kyc: await response.json() }

  const problem = await readProblem(response)
  if (![403, 409, 422, 429].includes(problem.status)) throw unexpected(problem)
  return { ok: false, problem }
}
