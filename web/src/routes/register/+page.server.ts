import { type Cookies, redirect } from '@sveltejs/kit'
import { readProblem } from '#lib/server/api.ts'
import { getEnv } from '#lib/server/env.ts'
import { readFields, readForm, rejectWithProblem } from '#lib/server/forms.ts'
import type { Actions, PageServerLoad } from './$types'

const fields = ['legalName', 'email', 'password'] as const

/**
 * Where the confirmation link went, for the page the form is sent on to: kept in a cookie of
 * this page until that page is shown (ten minutes at most) rather than in its address, which
 * logs and history would keep.
 */
const sentToCookie = 'tenor_registered'

export const load: PageServerLoad = ({ locals, url, cookies }) => {
  if (locals.user) redirect(303, '/portfolio')
  if (!url.searchParams.has('sent')) return { sent: false as const }
  // Said once: whoever uses this browser next does not see the address. Another browser, a
  // reload or minutes later do not know it; the link was sent all the same.
  const sentTo = cookies.get(sentToCookie) ?? null
  if (sentTo) cookies.delete(sentToCookie, { path: '/register' })
  return { sent: true as const, sentTo }
}

export const actions: Actions = {
  default: async ({ request, locals, cookies }) => {
    const input = readFields(await readForm(request), fields)

    const response = await locals.api.auth.register.$post({ json: input })
    if (response.status === 202) {
      // As the account keeps it (the API's canonical form), which is where the email went.
      rememberSentTo(cookies, input.email.normalize('NFKC').trim().toLowerCase())
      // Sent on (303), so reloading the page it shows sends nothing again.
      redirect(303, '/register?sent')
    }

    const values = { legalName: input.legalName, email: input.email }
    return rejectWithProblem(await readProblem(response), 'register', fields, values)
  },
}

function rememberSentTo(cookies: Cookies, email: string): void {
  cookies.set(sentToCookie, email, {
    httpOnly: true,
    sameSite: 'lax',
    secure: getEnv().isProduction,
    path: '/register',
    maxAge: 10 * 60,
  })
}
