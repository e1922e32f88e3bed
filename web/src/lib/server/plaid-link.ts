import { z } from 'zod'
import { type ApiProblem, readProblem, unexpected } from './api.ts'
import type { BankOutcome, LinkResult } from './banks.ts'
import { getEnv } from './env.ts'

/**
 * How the investor signs in to their bank. `chooser`: with the local Plaid stand-in, the site's
 * own institution list and sign-in form. `plaid-link`: Plaid's Link in the browser (sandbox or
 * production). Everything after Link hands over its public token is the same either way.
 */
export type LinkMode =
  | { kind: 'chooser' }
  | { kind: 'plaid-link'; plaidEnv: 'sandbox' | 'production' }

export function getLinkMode(): LinkMode {
  const { env } = getEnv().plaid
  return env === 'local' ? { kind: 'chooser' } : { kind: 'plaid-link', plaidEnv: env }
}

export interface Institution {
  id: string
  name: string
}

const institutionsAnswer = z.object({
  institutions: z.array(z.object({ id: z.string(), name: z.string() })),
})

const linkAnswer = z.object({
  publicToken: z.string(),
  institution: z.object({ id: z.string(), name: z.string() }),
  accounts: z.array(z.object({ name: z.string(), mask: z.string().nullable() })),
})

/**
 * The sandbox institutions the local chooser offers. Fetched without the typed client, as the
 * development mailbox is: `/dev` is a development tool, not part of the product's contract.
 */
export async function listChooserInstitutions(requestId: string): Promise<Institution[]> {
  const response = await callDevApi(requestId, '/dev/plaid/institutions')
  if (!response.ok) throw unexpected(await readProblem(response))

  return institutionsAnswer.parse(await response.json()).institutions
}

export interface ChooserSignIn {
  linkToken: string
  institutionId: string
  username: string
  password: string
}

/** Signs in to a sandbox bank, as Plaid Link would, and answers what Link's onSuccess gives. */
export async function completeChooserLink(
  requestId: string,
  input: ChooserSignIn,
): Promise<BankOutcome<LinkResult>> {
  const response = await callDevApi(requestId, '/dev/plaid/link', input)
  if (response.ok) {
    const answer = linkAnswer.parse(await response.json())
    return {
      ok: true,
      value: {
        publicToken: answer.publicToken,
        institutionId: answer.institution.id,
        accounts: answer.accounts,
      },
    }
  }

  const problem: ApiProblem = await readProblem(response)
  if (problem.status !== 400 && problem.status !== 422) throw unexpected(problem)
  return { ok: false, problem }
}

function callDevApi(requestId: string, path: string, body?: unknown): Promise<Response> {
  return fetch(new URL(path, getEnv().apiUrl), {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'x-request-id': requestId, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  })
}
