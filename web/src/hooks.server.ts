import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit/hooks'
import { createApiClient, isApiUnreachable } from '#lib/server/api.ts'
import { allowPlaidLink } from '#lib/server/csp.ts'
import { getEnv } from '#lib/server/env.ts'
import { getLog } from '#lib/server/log.ts'
import { readRequestId } from '#lib/server/request-id.ts'
import {
  readClientAddress,
  refuseCrossSite,
  refuseReservedAction,
  requireHttps,
  setBrowserPolicies,
} from '#lib/server/security.ts'
import { reportSiteError, startErrorReporting } from '#lib/server/sentry.ts'
import { checkSession, deleteSessionCookie, readSessionToken } from '#lib/server/session.ts'

export const init: ServerInit = () => {
  // Bad settings stop the server at start instead of failing the first visitor.
  getEnv()
  startErrorReporting()
  getLog().info('site starting', { apiUrl: getEnv().apiUrl })
}

export const handle: Handle = async ({ event, resolve }) => {
  const started = performance.now()
  const requestId = readRequestId(event.request.headers)
  const userAgent = event.request.headers.get('user-agent')
  const token = readSessionToken(event.cookies)
  const log = getLog().child({ requestId })
  const refusal =
    requireHttps(event) ?? refuseCrossSite(event, token !== null) ?? refuseReservedAction(event)
  if (refusal) {
    log.warn('request refused', { method: event.request.method, status: refusal.status })
    return refusal
  }
  const clientAddress = readClientAddress(event)
  event.locals.requestId = requestId
  event.locals.log = log
  event.locals.user = null
  event.locals.banksToReconnect = []
  event.locals.pendingTwoFactor = false
  event.locals.sessionEnded = false
  event.locals.api = createApiClient({ requestId, token, userAgent, clientAddress })

  if (token) {
    const session = await checkSession(event.locals.api)
    if (session.kind === 'signed-in') {
      event.locals.user = session.user
      event.locals.banksToReconnect = session.banksToReconnect
    } else if (session.kind === 'two-factor-pending') event.locals.pendingTwoFactor = true
    else {
      deleteSessionCookie(event.cookies)
      event.locals.sessionEnded = true
      event.locals.api = createApiClient({ requestId, token: null, userAgent, clientAddress })
    }
  }

  const response = await resolve(event)

  setSecurityHeaders(response.headers, token !== null)
  setBrowserPolicies(response.headers)
  allowPlaidLink(event.route.id, response.headers)
  response.headers.set('x-request-id', requestId)
  const fields = {
    method: event.request.method,
    route: event.route.id,
    status: response.status,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
    userId: event.locals.user?.id,
  }
  if (response.status >= 500) log.error('request failed', fields)
  else log.info('request handled', fields)
  return response
}

function setSecurityHeaders(headers: Headers, hadSession: boolean) {
  // Anything rendered for a signed-in visitor may show their account: keep it out of every
  // cache, the browser's back-forward cache included. Pages set their own otherwise.
  if (hadSession || !headers.has('cache-control')) {
    headers.set('cache-control', 'private, no-store')
  }
  headers.set('x-content-type-options', 'nosniff')
  // Email links carry tokens in the query string; never hand them to another site.
  headers.set('referrer-policy', 'same-origin')
}

/**
 * Every error while answering a request comes here once. Expected ones (404s, `error()`) keep
 * their own message; anything else is logged with the request id and leaves as a generic
 * message that names the id, never as a stack trace.
 */
export const handleError: HandleServerError = ({ kind, error, event }) => {
  const requestId = event.locals.requestId ?? readRequestId(event.request.headers)
  if (kind !== 'unknown') return { requestId }

  const log = event.locals.log ?? getLog().child({ requestId })
  log.error('unhandled error', {
    method: event.request.method,
    route: event.route.id,
    error,
  })
  reportSiteError(error, {
    requestId,
    method: event.request.method,
    route: event.route.id,
    userId: event.locals.user?.id,
  })
  // The reference is in the message too, for the bare fallback page and JSON callers.
  if (isApiUnreachable(error)) {
    return {
      status: 503,
      message: `Tenor is briefly unavailable. Please try again in a minute. (Reference: ${requestId})`,
      requestId,
    }
  }
  return {
    status: 500,
    message: `Something went wrong on our side. Please try again in a moment. (Reference: ${requestId})`,
    requestId,
  }
}
