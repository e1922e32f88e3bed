import { readProblem } from '#lib/server/api.ts'
import { readFields, readForm, rejectWithProblem } from '#lib/server/forms.ts'
import type { Actions } from './$types'

export const actions: Actions = {
  default: async ({ request, locals }) => {
    const { email } = readFields(await readForm(request), ['email'])

    const response = await locals.api.auth['forgot-password'].$post({ json: { email } })
    // The answer is the same whether or not the address has an account.
    if (response.status === 202) return { sent: true, email: email.trim() }

    return rejectWithProblem(await readProblem(response), 'forgot', ['email'], { email })
  },
}
