import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../context.ts'
import type { RequestMetrics } from '../lib/metrics.ts'

// Any other method a client invents shares one label value, so it cannot grow the series.
const knownMethods = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

/** Counts and times every answer under its route pattern (`/banks/:itemId`, not the raw path). */
export function recordRequestMetrics(metrics: RequestMetrics) {
  return createMiddleware<AppEnv>(async function recordRequestMetrics(c, next) {
    const started = performance.now()

    await next()

    // After `next`, `routePath` names the innermost handler that ran; a request refused by a
    // middleware, or matching no route, is counted under that middleware's `/*`.
    const seconds = (performance.now() - started) / 1000
    const method = knownMethods.has(c.req.method) ? c.req.method : 'OTHER'
    metrics.observe(method, c.req.routePath, c.res.status, seconds)
  })
}
