import { fail, redirect } from '@sveltejs/kit'
import { readProblem } from '#lib/server/api.ts'
import { readFields, readForm, rejectForm, rejectWithProblem } from '#lib/server/forms.ts'
import { deleteSessionCookie } from '#lib/server/session.ts'
import type { Actions, PageServerLoad } from './$types'

// Emailed tokens are URL-safe base64, as the API's schema bounds them; anything else is a link
// cut short or mangled, told at once rather than after a new password is typed.
const tokenShape = /^[A-Za-z0-9_-]{20,100}$/

export const load: PageServerLoad = async ({ url, locals }) => {
  const token = url.searchParams.get('token') ?? ''
  const mangled = token !== '' && !tokenShape.test(token)
  // A link used, expired or unknown is said at once, not after a new password is typed; a
  // check that cannot answer (a limit reached) leaves it to the form.
  const checked =
    token && !mangled
      ? await locals.api.auth['reset-password'].check.$post({ json: { token } })
      : null
  return { token, mangled, unusable: checked?.status === 400 }
}

export const actions: Actions = {
  default: async ({ request, locals, cookies }) => {
    const input = readFields(await readForm(request), ['token', 'password'])
    if (!input.token) {
      return rejectForm(400, { form: 'reset', message: 'This link is incomplete.' })
    }

    const response = await locals.api.auth['reset-password'].$post({ json: input })
    if (response.status === 200) {
      // The API ended every session of the account, this browser's included.
      deleteSessionCookie(cookies)
      redirect(303, '/login?password-changed')
    }

    const problem = await readProblem(response)
    // Unknown, used or expired (400 invalid_token), or not shaped as one: no new password can
    // help, so the page offers a new link instead of the form.
    if (
      problem.code === 'invalid_token' ||
      (problem.status === 422 && problem.issues.some((issue) => issue.path === 'token'))
    ) {
      return fail(400, { form: 'reset' as const, linkUnusable: true as const })
    }
    return rejectWithProblem(problem, 'reset', ['password'])
  },
}
