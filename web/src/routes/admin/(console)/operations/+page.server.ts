import { getOperations, retryEmail } from '#lib/server/admin-operations.ts'
import { readFields, readForm, rejectForm } from '#lib/server/forms.ts'
import { requireAdmin } from '#lib/server/guards.ts'
import type { Actions, PageServerLoad } from './$types'

export const load: PageServerLoad = async (event) => {
  requireAdmin(event)

  return { operations: await getOperations(event.locals.api) }
}

export const actions: Actions = {
  retryEmail: async (event) => {
    requireAdmin(event)

    const { emailId } = readFields(await readForm(event.request), ['emailId'])
    const outcome = await retryEmail(event.locals.api, emailId)
    if (outcome.ok) return { form: 'retryEmail', emailId, retried: true as const }

    return rejectForm(outcome.problem.status, {
      form: 'retryEmail',
      values: { emailId },
      message: outcome.problem.message,
    })
  },
}
