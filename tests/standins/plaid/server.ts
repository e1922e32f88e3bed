import type { Handler, HandlerResult } from './context.ts'
import {
  internalServerError,
  invalidApiKeys,
  invalidBody,
  notFound,
  PlaidApiError,
  rateLimitExceeded,
  toErrorBody,
} from './errors.ts'
import type { ActiveFault, CallLog, CallRecord, FaultBook } from './faults.ts'
import { isRecord, type RequestBody } from './fields.ts'
import { createRequestId } from './ids.ts'
import { plaidRoutes, readOnlyPaths } from './routes.ts'
import type { StandInState, StateSaver } from './state.ts'
import { formatTimestamp } from './values.ts'
import type { Logger, WebhookSender } from './webhooks.ts'

export interface ServerDeps {
  state: StandInState
  saver: StateSaver
  clock: () => Date
  log: Logger
  webhooks: WebhookSender
  faults: FaultBook
  calls: CallLog
  /** Aborted when the stand-in stops, so held replies end at once. */
  stopping: AbortSignal
  control: (request: Request, url: URL) => Promise<Response>
}

type Outcome = { ok: true; result: HandlerResult } | { ok: false; error: PlaidApiError }

/** Routes `/__standin/*` to the control API and everything else to the Plaid endpoints. */
export function createFetchHandler(deps: ServerDeps): (request: Request) => Promise<Response> {
  return async function handlePlaidStandInRequest(request) {
    const url = new URL(request.url)
    if (url.pathname.startsWith('/__standin/')) return deps.control(request, url)

    const requestId = createRequestId()
    const handler = plaidRoutes[url.pathname]
    if (!handler || request.method !== 'POST') {
      return errorResponse(notFound(`no endpoint at ${request.method} ${url.pathname}`), requestId)
    }

    const body = await readJsonBody(request)
    const call = deps.calls.record({
      path: url.pathname,
      at: formatTimestamp(deps.clock()),
      status: null,
      idempotencyKey: readKey(body, 'idempotency_key'),
      authorizationId: readKey(body, 'authorization_id'),
      fault: null,
    })
    const response = await answerPlaidCall(deps, {
      request,
      path: url.pathname,
      handler,
      body,
      requestId,
      record: call,
    })
    call.status = response.status
    deps.log({
      level: 'info',
      msg: 'plaid call',
      path: url.pathname,
      status: response.status,
      request_id: requestId,
      fault: call.fault,
    })

    return response
  }
}

interface PlaidCall {
  request: Request
  path: string
  handler: Handler
  body: RequestBody | null
  requestId: string
  record: CallRecord
}

async function answerPlaidCall(deps: ServerDeps, call: PlaidCall): Promise<Response> {
  const { request, path, handler, body, requestId } = call
  if (!body) return errorResponse(invalidBody(), requestId)
  if (!hasCredentials(request, body)) return errorResponse(invalidApiKeys(), requestId)

  const fault = deps.faults.take(path)
  call.record.fault = fault?.mode ?? null
  const early = await answerFaultBeforeWork(fault, request, deps.stopping)
  if (early) return errorResponse(early, requestId)

  const outcome = runHandler(deps, handler, body, requestId)
  if (!readOnlyPaths.has(path)) deps.saver.save()
  if (outcome.ok) for (const webhook of outcome.result.webhooks ?? []) deps.webhooks.send(webhook)

  if (fault?.mode === 'lost_reply') {
    await pause(fault.delayMs, request.signal, deps.stopping)
    return errorResponse(internalServerError(), requestId)
  }

  return outcome.ok ? Response.json(outcome.result.body) : errorResponse(outcome.error, requestId)
}

async function answerFaultBeforeWork(
  fault: ActiveFault | null,
  request: Request,
  stopping: AbortSignal,
): Promise<PlaidApiError | null> {
  if (fault?.mode === 'error500') return internalServerError()
  if (fault?.mode === 'rate_limited') return rateLimitExceeded()
  if (fault?.mode !== 'timeout') return null

  await pause(fault.delayMs, request.signal, stopping)

  return internalServerError()
}

function runHandler(
  deps: ServerDeps,
  handler: Handler,
  body: RequestBody,
  requestId: string,
): Outcome {
  try {
    return { ok: true, result: handler({ body, state: deps.state, now: deps.clock(), requestId }) }
  } catch (error) {
    if (error instanceof PlaidApiError) return { ok: false, error }

    const message = error instanceof Error ? error.message : String(error)
    deps.log({
      level: 'error',
      msg: 'stand-in handler failed',
      request_id: requestId,
      error: message,
    })
    return { ok: false, error: internalServerError() }
  }
}

function errorResponse(error: PlaidApiError, requestId: string): Response {
  return Response.json(toErrorBody(error, requestId), { status: error.status })
}

// Plaid accepts the headers or the body fields; any non-empty pair will do for a local double.
function hasCredentials(request: Request, body: RequestBody): boolean {
  const clientId = request.headers.get('plaid-client-id') || body.client_id
  const secret = request.headers.get('plaid-secret') || body.secret

  return (
    typeof clientId === 'string' && clientId !== '' && typeof secret === 'string' && secret !== ''
  )
}

async function readJsonBody(request: Request): Promise<RequestBody | null> {
  try {
    const parsed: unknown = await request.json()
    return isRecord(parsed) ? parsed : null
  } catch {
    return null
  }
}

function readKey(body: RequestBody | null, name: string): string | null {
  const value = body?.[name]

  return typeof value === 'string' ? value : null
}

/** Waits, but gives up early when the caller hangs up or the stand-in stops. */
function pause(ms: number, ...signals: AbortSignal[]): Promise<void> {
  if (ms <= 0) return Promise.resolve()

  return new Promise((resolve) => {
    const timer = setTimeout(finish, ms)
    function finish() {
      clearTimeout(timer)
      for (const signal of signals) signal.removeEventListener('abort', finish)
      resolve()
    }
    for (const signal of signals) signal.addEventListener('abort', finish, { once: true })
  })
}
