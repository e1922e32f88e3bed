import { redirect } from '@sveltejs/kit'
import { readProblem } from '#lib/server/api.ts'
import { readFields, readForm, rejectForm, rejectWithProblem } from '#lib/server/forms.ts'
import { readSignInReason, safeNextPath } from '#lib/server/next-path.ts'
import { deleteSessionCookie, setSessionCookie } from '#lib/server/session.ts'
import type { Actions, PageServerLoad } from './$types'

export const load: PageServerLoad = ({ locals, url }) => {
  const next = safeNextPath(url.searchParams.get('next'))
  if (locals.user) redirect(303, next)

  return {
    step: locals.pendingTwoFactor ? ('two-factor' as const) : ('password' as const),
    // Forms post to `?/action` plus this page's own query, so `next` survives a refusal and the
    // answer lands on the page the visitor is already on.
    actionQuery: queryAfterAction(url),
    passwordChanged: url.searchParams.has('password-changed'),
    // Sent here from a page that needs a session: said, so the form is not a surprise.
    reason: readSignInReason(url.searchParams.get('session')),
  }
}

export const actions: Actions = {
  password: async ({ request, locals, cookies, url }) => {
    const input = readFields(await readForm(request), ['email', 'password'])

    const response = await locals.api.auth.login.$post({
      json: { email: input.email, password: input.password },
    })
    if (response.status !== 200) {
      const problem = await readProblem(response)
      return rejectWithProblem(problem, 'password', ['email', 'password'], { email: input.email })
    }

    const session = await response.json()
    setSessionCookie(cookies, session.token, new Date(session.expiresAt))
    const next = nextAfterSignIn(url, session.user.role)
    // With two-factor on, the same page asks for the code; the cookie marks the half-done sign-in.
    if (session.twoFactorRequired) redirect(303, `/login?next=${encodeURIComponent(next)}`)
    redirect(303, next)
  },

  twoFactor: async ({ request, locals, cookies, url }) => {
    const input = readFields(await readForm(request), ['code'])
    const code = input.code.replace(/\s+/g, '')

    const response = await locals.api.auth.login['two-factor'].$post({ json: { code } })
    if (response.status === 200) {
      const { user } = await response.json()
      redirect(303, nextAfterSignIn(url, user.role))
    }

    const problem = await readProblem(response)
    if (problem.status === 401) {
      // The half-done session ended (it expired, or was replaced): start again from the password.
      deleteSessionCookie(cookies)
      locals.pendingTwoFactor = false
      return rejectForm(401, {
        form: 'password',
        message: 'Your sign-in timed out before the code was entered. Please log in again.',
      })
    }
    if (problem.status === 400) {
      return rejectForm(400, { form: 'twoFactor', errors: { code: problem.message } })
    }
    return rejectWithProblem(problem, 'twoFactor', ['code'])
  },
}

/**
 * The page's own query, to follow `?/action` in its forms. A refused form without JavaScript
 * renders at the action's URL, so the action names already there (`/password`) are left out,
 * or each refusal would add one more.
 */
function queryAfterAction(url: URL): string {
  const kept = [...url.searchParams].filter(([name]) => !name.startsWith('/'))
  return kept.length === 0 ? '' : `&${new URLSearchParams(kept)}`
}

/** Where a sign-in lands: the page asked for, or else an administrator's console or the portfolio. */
function nextAfterSignIn(url: URL, role: 'investor' | 'admin'): string {
  return safeNextPath(url.searchParams.get('next'), role === 'admin' ? '/admin' : '/portfolio')
}
