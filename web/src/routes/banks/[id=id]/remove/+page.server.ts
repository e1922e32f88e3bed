import { error, redirect } from '@sveltejs/kit'
import { rejectBankStep } from '#lib/server/bank-steps.ts'
import { findBank, removeBank } from '#lib/server/banks.ts'
import { requireUser } from '#lib/server/guards.ts'
import type { Actions, PageServerLoad } from './$types'

export const load: PageServerLoad = async (event) => {
  requireUser(event)
  const bank = await findBank(event.locals.api, event.params.id)
  if (!bank) error(404, 'That bank is not linked to your account.')

  return { bank }
}

export const actions: Actions = {
  default: async (event) => {
    const { locals, params } = event
    requireUser(event)

    const removed = await removeBank(locals.api, params.id)
    if (!removed.ok) return rejectBankStep(removed.problem, 'remove')

    locals.log.info('bank removed', { itemId: params.id })
    redirect(303, '/banks?done=removed')
  },
}
