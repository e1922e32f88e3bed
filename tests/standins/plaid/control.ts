import { PlaidApiError, toErrorBody } from './errors.ts'
import { type CallLog, type FaultBook, parseFaultSpec } from './faults.ts'
import { isRecord } from './fields.ts'
import { createRequestId } from './ids.ts'
import { sandboxInstitutions } from './institutions.ts'
import { completeLink } from './link.ts'
import type { StandInState, StateSaver } from './state.ts'
import type { WebhookSender } from './webhooks.ts'

export interface ControlDeps {
  state: StandInState
  saver: StateSaver
  clock: () => Date
  faults: FaultBook
  calls: CallLog
  webhooks: WebhookSender
  rotateWebhookKey: () => string
  setTransferWebhook: (url: string | null) => void
}

type ControlRoute = (request: Request, url: URL) => Promise<Response> | Response

/**
 * The test-only API under `/__standin/`. It needs no Plaid credentials and is documented in the
 * README beside this file.
 */
export function createControlHandler(deps: ControlDeps) {
  const routes: Record<string, ControlRoute> = {
    'GET /__standin/health': () => Response.json({ ok: true }),
    'GET /__standin/faults': () => Response.json({ faults: deps.faults.list() }),
    'POST /__standin/faults': async (request) => {
      const spec = parseFaultSpec(await readJson(request))
      if (typeof spec === 'string') return controlError(400, spec)

      return Response.json({ fault: deps.faults.add(spec) }, { status: 201 })
    },
    'DELETE /__standin/faults': () => {
      deps.faults.clear()
      return new Response(null, { status: 204 })
    },
    'GET /__standin/calls': (_request, url) => {
      const path = url.searchParams.get('path')
      const calls = deps.calls.list(path)

      return Response.json({ counts: deps.calls.counts(), count: calls.length, calls })
    },
    'DELETE /__standin/calls': () => {
      deps.calls.reset()
      return new Response(null, { status: 204 })
    },
    'POST /__standin/rotate-key': () => Response.json({ kid: deps.rotateWebhookKey() }),
    'GET /__standin/transfer-webhook': () => Response.json({ url: deps.state.transferWebhookUrl }),
    'POST /__standin/transfer-webhook': async (request) => {
      const body = await readJson(request)
      const url = isRecord(body) ? body.url : undefined
      if (url !== null && (typeof url !== 'string' || !URL.canParse(url))) {
        return controlError(400, 'url must be an absolute URL or null')
      }

      deps.setTransferWebhook(url)
      return Response.json({ url })
    },
    'GET /__standin/webhooks': () => Response.json({ deliveries: deps.webhooks.deliveries() }),
    'GET /__standin/institutions': () => Response.json({ institutions: sandboxInstitutions }),
    'POST /__standin/link/complete': async (request) => {
      const body = await readJson(request)
      if (!isRecord(body)) return controlError(400, 'the body must be a JSON object')

      return answerLinkCompletion(deps, body)
    },
  }

  return async function handleControlRequest(request: Request, url: URL): Promise<Response> {
    const route = routes[`${request.method} ${url.pathname}`]
    if (!route) return controlError(404, `no control endpoint at ${request.method} ${url.pathname}`)

    return route(request, url)
  }
}

// Link completion answers Plaid-shaped errors (bad password and so on), like Link's onExit.
function answerLinkCompletion(deps: ControlDeps, body: Record<string, unknown>): Response {
  const requestId = createRequestId()
  try {
    const result = completeLink({ body, state: deps.state, now: deps.clock(), requestId })
    deps.saver.save()

    return Response.json(result)
  } catch (error) {
    if (!(error instanceof PlaidApiError)) throw error

    return Response.json(toErrorBody(error, requestId), { status: error.status })
  }
}

function controlError(status: number, message: string): Response {
  return Response.json({ error: message }, { status })
}

async function readJson(request: Request): Promise<unknown> {
  try {
    return await request.json()
  } catch {
    return null
  }
}
