import { error, type RequestEvent, redirect } from '@sveltejs/kit'
import type { SessionUser } from './api.ts'

/** The signed-in user, or a redirect to sign in that brings them back here afterwards. */
export function requireUser(event: RequestEvent): SessionUser {
  if (event.locals.user) return event.locals.user

  const here = event.url.pathname + event.url.search
  redirect(303, `/login?next=${encodeURIComponent(here)}`)
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
