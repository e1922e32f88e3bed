import { getCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
import type { AppDeps, AppEnv } from '../context.ts'
import { ApiError } from '../lib/errors.ts'
import { sessionCookieName } from './session.ts'

const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Cross-site request forgery guard for every state-changing request, whatever its
 * Content-Type (ASVS 3.5.1–3.5.3). A browser names the page that sent a request in `Origin`:
 * - a foreign `Origin` (or `null`) is refused outright;
 * - no `Origin` with the session cookie as the credential is refused too, since browsers always
 *   send `Origin` on these methods and only a forged or odd request lacks it.
 * Bearer-token callers (the site's server, API clients) cannot be forged by a browser: it never
 * attaches an Authorization header on its own. Runs before the Content-Type check.
 */
export function requireSameOrigin(deps: AppDeps) {
  const allowed = new Set([new URL(deps.env.publicUrl).origin, new URL(deps.env.apiUrl).origin])
  const cookieName = sessionCookieName(deps)

  return createMiddleware<AppEnv>(async function requireSameOrigin(c, next) {
    if (!stateChanging.has(c.req.method)) return next()

    const origin = c.req.header('origin')
    const bearer = c.req.header('authorization')?.startsWith('Bearer ') ?? false
    const cookie = getCookie(c, cookieName) !== undefined
    if (origin !== undefined ? !allowed.has(origin) : cookie && !bearer) {
      c.get('log').warn('cross-origin request refused', { origin: origin ?? null })
      throw new ApiError(403, 'cross_origin_refused', 'This request must come from the Tenor site.')
    }

    await next()
  })
}
