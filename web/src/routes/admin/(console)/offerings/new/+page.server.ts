import { redirect } from '@sveltejs/kit'
import { createOffering } from '#lib/server/admin-offerings.ts'
import { readFields, readForm, rejectWithProblem } from '#lib/server/forms.ts'
import { requireAdmin } from '#lib/server/guards.ts'
import { offeringFields, readOfferingTerms, withReadErrors } from '#lib/server/offering-form.ts'
import type { Actions, PageServerLoad } from './$types'

export const load: PageServerLoad = (event) => {
  requireAdmin(event)

  return {
    // The usual day count, so a new draft starts from something sensible. The interest is left
    // for the administrator to choose: simple or compound is no convention, and a draft saved
    // without a look at it would pay what nobody chose.
    defaults: { dayCount: 'act_365f' } as Record<string, string>,
  }
}

export const actions: Actions = {
  default: async (event) => {
    requireAdmin(event)

    const values = readFields(await readForm(event.request), offeringFields)
    const { terms, errors } = readOfferingTerms(values)

    const outcome = await createOffering(event.locals.api, terms)
    if (outcome.ok) redirect(303, `/admin/offerings/${outcome.value.id}?done=created`)

    return rejectWithProblem(
      withReadErrors(outcome.problem, errors),
      'terms',
      offeringFields,
      values,
    )
  },
}
