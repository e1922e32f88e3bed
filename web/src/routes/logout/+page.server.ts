import { redirect } from '@sveltejs/kit'
import { readProblem } from '#lib/server/api.ts'
import { signInReasons } from '#lib/server/next-path.ts'
import { deleteSessionCookie } from '#lib/server/session.ts'
import type { Actions, PageServerLoad } from './$types'

export const load: PageServerLoad = ({ locals }) => {
  if (!locals.user && !locals.pendingTwoFactor) redirect(303, '/')
}

export const actions: Actions = {
  default: async ({ locals, cookies }) => {
    if (locals.user || locals.pendingTwoFactor) {
      const response = await locals.api.auth.logout.$post({ json: {} })
      // 401: the session had already ended, which is what was asked for.
      if (response.status !== 200 && response.status !== 401) {
        const problem = await readProblem(response)
        locals.log.warn('logout not confirmed by the API', { status: problem.status })
      }
    }

    // Forget the token here whatever the API said; a session it still holds expires on its own.
    deleteSessionCookie(cookies)
    redirect(303, `/login?session=${signInReasons.out}`)
  },
}
