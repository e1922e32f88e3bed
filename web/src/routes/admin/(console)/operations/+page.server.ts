import { getOperations, retryEmail } from '#lib/server/admin-operations.ts'
import { readClock } from '#lib/server/dev-clock.ts'
import { getEnv, hasDevTools } from '#lib/server/env.ts'
import { readFields, readForm, rejectForm } from '#lib/server/forms.ts'
import { requireAdmin } from '#lib/server/guards.ts'
import type { Actions, PageServerLoad } from './$types'

export const load: PageServerLoad = async (event) => {
  requireAdmin(event)

  const [operations, clock] = await Promise.all([
    getOperations(event.locals.api),
    // Worker runs are timed in real time, the rest by the development clock: when that is
    // moved, the page says so.
    hasDevTools(getEnv()) ? readClock(event.locals.api) : null,
  ])
  return { operations, clockMovedDays: clock?.offsetDays ?? 0 }
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
