import { redirect } from '@sveltejs/kit'
import { readProblem } from '#lib/server/api.ts'
import { readFields, readForm, rejectWithProblem } from '#lib/server/forms.ts'
import type { Actions, PageServerLoad } from './$types'

const fields = ['legalName', 'email', 'password'] as const

export const load: PageServerLoad = ({ locals }) => {
  if (locals.user) redirect(303, '/portfolio')
}

export const actions: Actions = {
  default: async ({ request, locals }) => {
    const input = readFields(await readForm(request), fields)

    const response = await locals.api.auth.register.$post({ json: input })
    if (response.status === 202) return { registered: true, email: input.email.trim() }

    const values = { legalName: input.legalName, email: input.email }
    return rejectWithProblem(await readProblem(response), 'register', fields, values)
  },
}
