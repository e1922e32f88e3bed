import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { createMiddleware } from 'hono/factory'
import type { AppDeps, AppEnv, AuthedEnv } from '../context.ts'
import { ApiError, forbidden, unauthorized } from '../lib/errors.ts'
import { validateSessionToken } from '../lib/sessions.ts'

export function sessionCookieName(deps: AppDeps): string {
  // The __Host- prefix pins the cookie to this exact origin over HTTPS, with no Domain.
  return deps.env.isProduction ? '__Host-tenor_session' : 'tenor_session'
}

/** The session token from `Authorization: Bearer …` (API clients, the site) or the cookie. */
export function readSessionToken(header: string | undefined, cookie?: string) {
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim()
  return cookie
}

/** Loads the caller's session, if any, into `user` and `session`. Never rejects. */
export function loadSession(deps: AppDeps) {
  return createMiddleware<AppEnv>(async function loadSession(c, next) {
    const token = readSessionToken(
      c.req.header('authorization'),
      getCookie(c, sessionCookieName(deps)),
    )
    if (token) {
      const found = await validateSessionToken(
        deps.database,
        deps.env.sessionKeys,
        token,
        deps.wallClock.now(),
      )
      if (found) {
        c.set('user', found.user)
        c.set('session', found.session)
      }
    }
    await next()
  })
}

/**
 * Only for signed-in callers whose session has passed two-factor when the account has it on.
 * `allowPendingTwoFactor` lets the two-factor step itself through.
 */
export function requireUser(options: { allowPendingTwoFactor?: boolean } = {}) {
  return createMiddleware<AuthedEnv>(async function requireUser(c, next) {
    const user = c.get('user')
    const session = c.get('session')
    if (!user || !session) throw unauthorized()
    if (user.twoFactorEnabled && !session.twoFactorVerified && !options.allowPendingTwoFactor) {
      throw new ApiError(401, 'two_factor_pending', 'Enter the code from your authenticator app.')
    }
    c.set('user', user)
    c.set('session', session)
    await next()
  })
}

/** Admins only, and only with two-factor on and verified in this session. */
export const requireAdmin = createMiddleware<AuthedEnv>(async function requireAdmin(c, next) {
  const user = c.get('user')
  if (user.role !== 'admin') throw forbidden()
  if (!user.twoFactorEnabled || !c.get('session').twoFactorVerified) {
    throw new ApiError(
      403,
      'two_factor_required',
      'Administrators must turn on two-factor authentication before using admin tools.',
    )
  }
  c.header('Cache-Control', 'no-store')
  await next()
})

export function setSessionCookie(c: Context, deps: AppDeps, token: string, expires: Date) {
  setCookie(c, sessionCookieName(deps), token, {
    httpOnly: true,
    secure: deps.env.isProduction,
    sameSite: 'Lax',
    path: '/',
    expires,
  })
}

export function clearSessionCookie(c: Context, deps: AppDeps) {
  deleteCookie(c, sessionCookieName(deps), { path: '/', secure: deps.env.isProduction })
}
