import type { InferRequestType, InferResponseType } from 'hono/client'
import { type ApiClient, type ApiIssue, type ApiProblem, readProblem, unexpected } from './api.ts'
import { checkTaxId } from './tax-id.ts'

/** The investor's identity check as the API shows it: the tax id only ever masked. */
export type Kyc = InferResponseType<ApiClient['kyc']['$get'], 200>
export type KycProfile = NonNullable<Kyc['profile']>
export type KycSubmission = InferRequestType<ApiClient['kyc']['$post']>['json']

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

/**
 * The API's refusal of the form, completed so one answer names every problem in the form's own
 * words. The API judges the tax id only once every other field passes, so while others fail the
 * site checks it by the API's own rule; a date of birth left empty is asked for as such, not in
 * the format a malformed one needs.
 */
export function completeKycIssues(
  issues: ApiIssue[],
  typed: { dateOfBirth: string; taxIdKind: 'ssn' | 'itin'; taxId: string },
): ApiIssue[] {
  const completed = issues.map((issue) =>
    issue.path === 'dateOfBirth' && !typed.dateOfBirth.trim()
      ? { ...issue, message: 'Enter your date of birth.' }
      : issue,
  )
  if (issues.length === 0 || issues.some((issue) => issue.path === 'taxId')) return completed

  const digits = typed.taxId.replace(/[\s-]/g, '')
  const problem = digits
    ? checkTaxId(typed.taxIdKind, digits)
    : `Enter your ${typed.taxIdKind === 'ssn' ? 'Social Security number' : 'ITIN'}.`
  return problem ? [...completed, { path: 'taxId', message: problem }] : completed
}
