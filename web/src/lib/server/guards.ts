import { error, type RequestEvent, redirect } from '@sveltejs/kit'
import type { SessionUser } from './api.ts'
import { returnPath, signInReasons } from './next-path.ts'

/**
 * The signed-in user, or a redirect to sign in that says why (the session ended, or the page
 * needs one) and brings them back here afterwards.
 */
export function requireUser(event: RequestEvent): SessionUser {
  if (event.locals.user) return event.locals.user

  const reason = event.locals.sessionEnded ? signInReasons.ended : signInReasons.required
  const query = new URLSearchParams({ next: returnPath(event.url), session: reason })
  redirect(303, `/login?${query}`)
}

/**
 * The signed-in administrator. Anyone else is told the page does not exist; an administrator
 * without two-factor is sent to the step that turns it on. The API checks both again on every
 * admin route: this only keeps the console's pages from rendering for the wrong visitor.
 */
export function requireAdmin(event: RequestEvent): SessionUser {
  const user = requireUser(event)
  if (user.role !== 'admin') error(404, 'Not found')
  if (!user.twoFactorEnabled) redirect(303, '/admin/two-factor')

  return user
}
