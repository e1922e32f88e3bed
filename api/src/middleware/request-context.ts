import type { Logger } from '@tenor/db/logger'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../context.ts'
import type { RequestMetrics } from '../lib/metrics.ts'

const incomingId = /^[A-Za-z0-9._-]{8,64}$/
// Any other method a client invents shares one label value, so it cannot grow the series.
const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

/**
 * Gives every request an id (kept from the caller when it looks like one, so the site and the
 * API share ids) and a logger bound to it; when the answer leaves, writes one log line and
 * counts and times it under its route pattern (`/banks/:itemId`, not the raw path).
 */
export function requestContext(log: Logger, metrics: RequestMetrics) {
  return createMiddleware<AppEnv>(async function requestContext(c, next) {
    const given = c.req.header('x-request-id')
    const requestId = given && incomingId.test(given) ? given : Bun.randomUUIDv7()
    const requestLog = log.child({ requestId })
    c.set('requestId', requestId)
    c.set('log', requestLog)
    c.set('user', null)
    c.set('session', null)
    c.header('X-Request-Id', requestId)
    const started = performance.now()

    await next()

    // After `next`, `routePath` names the innermost handler that ran; a request refused by a
    // middleware, or matching no route, is counted under that middleware's `/*`.
    const elapsed = performance.now() - started
    const method = c.req.method
    const route = c.req.routePath
    const status = c.res.status
    metrics.observe(knownMethods.has(method) ? method : 'OTHER', route, status, elapsed / 1000)
    const fields = {
      method,
      route,
      status,
      durationMs: Math.round(elapsed * 10) / 10,
      userId: c.get('user')?.id,
    }
    if (status >= 500) requestLog.error('request failed', fields)
    else requestLog.info('request handled', fields)
  })
}
