import { createMiddleware } from 'hono/factory'
import type { AppDeps, AppEnv } from '../context.ts'
import { ApiError } from '../lib/errors.ts'

/**
 * Staging and production answer public requests only over HTTPS. TLS ends at Fly's proxy, which
 * (TRUST_PROXY=fly) states the scheme the client used in `X-Forwarded-Proto`, overwriting any
 * client value. A request without it did not pass the proxy (Fly's health checks, the site over
 * the private network) and is let through. Without a trusted proxy the scheme cannot be known
 * (Bun serves plain HTTP behind any TLS terminator), so nothing is redirected; fly.toml's
 * `force_https` redirects at the edge as well. GET and HEAD are redirected; anything else is
 * refused, since its body has already crossed the network in the clear.
 */
export function requireHttps(deps: AppDeps) {
  return createMiddleware<AppEnv>(async function requireHttps(c, next) {
    if (!deps.env.isProduction || deps.env.trustProxy !== 'fly') return next()

    const scheme = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase()
    if (scheme === undefined || scheme === 'https') return next()

    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      throw new ApiError(403, 'https_required', 'Use https:// to reach the Tenor API.')
    }
    const url = new URL(c.req.url)
    url.protocol = 'https:'
    url.port = ''
    return c.redirect(url.toString(), 301)
  })
}
