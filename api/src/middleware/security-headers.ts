import { createMiddleware } from 'hono/factory'
import type { AppDeps, AppEnv } from '../context.ts'

/**
 * Headers on every API answer. The API serves JSON (and one HTML reference page that sets its
 * own policy), so nothing it sends should be sniffed, framed, referred onward or, once a caller
 * is known, cached anywhere.
 */
export function securityHeaders(deps: AppDeps) {
  return createMiddleware<AppEnv>(async function securityHeaders(c, next) {
    await next()

    const headers = c.res.headers
    headers.set('X-Content-Type-Options', 'nosniff')
    headers.set('Referrer-Policy', 'no-referrer')
    headers.set('X-Frame-Options', 'DENY')
    headers.set('Cross-Origin-Resource-Policy', 'same-site')
    if (!headers.has('Content-Security-Policy')) {
      headers.set('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'")
    }
    if (deps.env.isProduction) {
      // One year, every subdomain (ASVS 3.4.1). Browsers ignore it over plain HTTP.
      headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
    }
    const credentials = c.req.header('authorization') ?? c.req.header('cookie')
    if (c.get('user') || credentials || headers.has('Set-Cookie')) {
      headers.set('Cache-Control', 'no-store')
    }
  })
}
