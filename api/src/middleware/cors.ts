import { createMiddleware } from 'hono/factory'
import type { AppDeps, AppEnv } from '../context.ts'

const allowMethods = 'GET, POST, PUT, PATCH, DELETE'
const allowHeaders = 'Content-Type, Authorization, X-Request-Id, Idempotency-Key'
const exposeHeaders = 'X-Request-Id, Retry-After, RateLimit, RateLimit-Policy'

/**
 * CORS for exactly one origin, the site's (PUBLIC_URL), with credentials. Any other origin gets
 * no CORS headers at all, so the browser withholds the answer and refuses to send credentialed
 * or non-simple requests after the preflight.
 */
export function corsForSite(deps: AppDeps) {
  const siteOrigin = new URL(deps.env.publicUrl).origin

  return createMiddleware<AppEnv>(async function corsForSite(c, next) {
    const permitted = c.req.header('origin') === siteOrigin

    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
      const headers = new Headers({ Vary: 'Origin' })
      if (permitted) {
        headers.set('Access-Control-Allow-Origin', siteOrigin)
        headers.set('Access-Control-Allow-Credentials', 'true')
        headers.set('Access-Control-Allow-Methods', allowMethods)
        headers.set('Access-Control-Allow-Headers', allowHeaders)
        headers.set('Access-Control-Max-Age', '600')
      }
      return new Response(null, { status: 204, headers })
    }

    await next()
    c.res.headers.append('Vary', 'Origin')
    if (permitted) {
      c.res.headers.set('Access-Control-Allow-Origin', siteOrigin)
      c.res.headers.set('Access-Control-Allow-Credentials', 'true')
      c.res.headers.set('Access-Control-Expose-Headers', exposeHeaders)
    }
  })
}
