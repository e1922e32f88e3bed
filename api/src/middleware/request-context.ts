import type { Logger } from '@tenor/db/logger'
import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../context.ts'

const incomingId = /^[A-Za-z0-9._-]{8,64}$/

/**
 * Gives every request an id (kept from the caller when it looks like one, so the site and the
 * API share ids), a logger bound to it, and one log line when the answer leaves.
 */
export function requestContext(log: Logger) {
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

    const status = c.res.status
    const fields = {
      method: c.req.method,
      route: c.req.routePath,
      status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      userId: c.get('user')?.id,
    }
    if (status >= 500) requestLog.error('request failed', fields)
    else requestLog.info('request handled', fields)
  })
}
