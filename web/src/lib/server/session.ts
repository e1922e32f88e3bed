import type { Cookies } from '@sveltejs/kit'
import { type ApiClient, readProblem, type SessionUser, unexpected } from './api.ts'
import { getEnv } from './env.ts'

/**
 * The site's own session cookie. It holds the API session token and nothing else; the API is
 * the only judge of whether that token is still good, asked once per request.
 */
export function sessionCookieName(): string {
  // The __Host- prefix pins the cookie to this exact origin over HTTPS, with no Domain.
  return getEnv().isProduction ? '__Host-tenor_session' : 'tenor_session'
}

export function readSessionToken(cookies: Cookies): string | null {
  const token = cookies.get(sessionCookieName())
  // Tokens are base64url. Anything else cannot be one, and could not even travel in a header.
  return token && /^[A-Za-z0-9_-]{1,200}$/.test(token) ? token : null
}

export function setSessionCookie(cookies: Cookies, token: string, expiresAt: Date): void {
  cookies.set(sessionCookieName(), token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: getEnv().isProduction,
    path: '/',
    expires: expiresAt,
  })
}

export function deleteSessionCookie(cookies: Cookies): void {
  cookies.delete(sessionCookieName(), {
    httpOnly: true,
    sameSite: 'lax',
    secure: getEnv().isProduction,
    path: '/',
  })
}

export type SessionCheck =
  | { kind: 'signed-in'; user: SessionUser; banksToReconnect: string[] }
  | { kind: 'two-factor-pending' }
  | { kind: 'signed-out' }

/** Asks the API who the token belongs to. Nothing is cached between requests. */
export async function checkSession(api: ApiClient): Promise<SessionCheck> {
  const response = await api.auth.session.$get()
  if (response.status === 200) {
    const { user, banksToReconnect } = await response.json()
    return { kind: 'signed-in', user, banksToReconnect }
  }

  const problem = await readProblem(response)
  if (problem.status !== 401) throw unexpected(problem)
  // Password accepted, code not yet given: keep the cookie so the code step can finish.
  if (problem.code === 'two_factor_pending') return { kind: 'two-factor-pending' }
  return { kind: 'signed-out' }
}
