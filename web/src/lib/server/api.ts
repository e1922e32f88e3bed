import type { AppType } from '@tenor/api'
import { signForwardedAddress } from '@tenor/api/lib/rate-limit-address'
import { hc, type InferResponseType } from 'hono/client'
import { z } from 'zod'
import { getEnv } from './env.ts'

/** How long the site waits for the API before treating the request as failed. */
const apiTimeoutMs = 10_000

export type ApiClient = ReturnType<typeof hc<AppType>>

/** The signed-in user as the API describes it; the site has no user model of its own. */
export type SessionUser = InferResponseType<ApiClient['auth']['session']['$get'], 200>['user']

export interface ApiCaller {
  requestId: string
  /** The API session token from the site's cookie, when there is one. */
  token: string | null
  userAgent: string | null
  /** The visitor's address, vouched for to the API so its rate limits count the visitor. */
  clientAddress: string | null
}

/**
 * A typed client of the API for one incoming request. It carries the caller's session as a
 * bearer token and the site's request id, so one id follows a request through both logs.
 */
export function createApiClient(caller: ApiCaller): ApiClient {
  const headers: Record<string, string> = { 'x-request-id': caller.requestId }
  if (caller.token) headers.authorization = `Bearer ${caller.token}`
  // The API records the browser's user agent on new sessions; without this it would see Bun's.
  if (caller.userAgent) headers['user-agent'] = caller.userAgent.slice(0, 300)
  if (caller.clientAddress) {
    Object.assign(headers, signForwardedAddress(getEnv().sessionKeys, caller.clientAddress))
  }

  return hc<AppType>(getEnv().apiUrl, { headers, fetch: fetchWithTimeout })
}

/**
 * A call that brings its own signal (a long download) keeps it; every other gets the timeout. A
 * call the API's side of a kept-alive connection reset before any answer is sent once more when
 * sending it twice cannot do anything twice: a read, or a purchase under its Idempotency-Key.
 * (Bun keeps an idle connection for minutes, the API closes one after a while, and a call sent
 * just as it closes meets the reset.)
 */
export async function fetchWithTimeout(
  input: RequestInfo | URL,
  init?: RequestInit,
): Promise<Response> {
  const send = () =>
    fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(apiTimeoutMs) })
  try {
    return await send()
  } catch (error) {
    if (!isConnectionReset(error) || !isRepeatable(init)) throw error
    return send()
  }
}

const isConnectionReset = (error: unknown) =>
  error instanceof Error && (error as { code?: unknown }).code === 'ECONNRESET'

/**
 * Whether a call failed because the API could not be reached or did not answer in time (it is
 * restarting, or down), rather than because of anything in the page: the site then says it is
 * briefly unavailable (503) instead of that something went wrong.
 */
export function isApiUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false
  const code = (error as { code?: unknown }).code
  return (
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    error.name === 'TimeoutError' ||
    (error.name === 'AbortError' && error.message.includes('timed out'))
  )
}

function isRepeatable(init: RequestInit | undefined): boolean {
  const method = (init?.method ?? 'GET').toUpperCase()
  return method === 'GET' || method === 'HEAD' || new Headers(init?.headers).has('idempotency-key')
}

export interface ApiIssue {
  path: string
  message: string
}

/** The API's error envelope, read from any non-2xx answer. */
export interface ApiProblem {
  status: number
  code: string
  message: string
  requestId: string
  issues: ApiIssue[]
}

const envelope = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    requestId: z.string().optional(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
})

/** Reads the error envelope; an answer without one (a proxy's HTML page, say) is unexpected. */
export async function readProblem(response: {
  status: number
  text(): Promise<string>
}): Promise<ApiProblem> {
  const body = await response.text()
  const parsed = envelope.safeParse(parseJson(body))
  if (!parsed.success) {
    throw new UnexpectedApiAnswer(response.status, 'unreadable_error', 'not an error envelope')
  }

  const { error } = parsed.data
  return {
    status: response.status,
    code: error.code,
    message: error.message,
    requestId: error.requestId ?? '',
    issues: error.issues ?? [],
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

/**
 * An API answer the page has no way to present: a 5xx, or a status the contract does not list
 * for that route. It reaches `handleError`, which logs it once and shows a generic message.
 */
export class UnexpectedApiAnswer extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(`API answered ${status} ${code}: ${detail}`)
    this.name = 'UnexpectedApiAnswer'
  }
}

/** Turns a problem the caller did not plan for into the unexpected-error path. */
export function unexpected(problem: ApiProblem): UnexpectedApiAnswer {
  return new UnexpectedApiAnswer(problem.status, problem.code, problem.message)
}
