import { readProblem } from '#lib/server/api.ts'
import { readFields, readForm, rejectForm, rejectWithProblem } from '#lib/server/forms.ts'
import type { Actions, PageServerLoad } from './$types'

// Reading the page changes nothing: mail scanners open links, so confirming takes a POST.
export const load: PageServerLoad = ({ url }) => {
  return { token: url.searchParams.get('token') ?? '' }
}

export const actions: Actions = {
  default: async ({ request, locals }) => {
    const { token } = readFields(await readForm(request), ['token'])
    if (!token) {
      return rejectForm(400, { form: 'verify', message: 'This link is incomplete.' })
    }

    const response = await locals.api.auth['verify-email'].$post({ json: { token } })
    // An address change is named, so the new one is seen to have taken effect.
    if (response.status === 200) return { confirmed: (await response.json()).message }

    const problem = await readProblem(response)
    // A mangled token fails validation; to the reader it is the same as an expired link.
    if (problem.status === 422) {
      return rejectForm(400, {
        form: 'verify',
        message: 'This link is invalid, already used or expired. Ask for a new one.',
      })
    }
    return rejectWithProblem(problem, 'verify', [])
  },
}
