import { redirect } from '@sveltejs/kit'
import {
  keptValues,
  readChooserForm,
  readLinkResult,
  rejectBankStep,
} from '#lib/server/bank-steps.ts'
import { createLinkToken, finishLink } from '#lib/server/banks.ts'
import { readForm, rejectForm } from '#lib/server/forms.ts'
import { requireUser } from '#lib/server/guards.ts'
import {
  completeChooserLink,
  getLinkMode,
  listChooserInstitutions,
} from '#lib/server/plaid-link.ts'
import type { Actions, PageServerLoad } from './$types'

export const load: PageServerLoad = async (event) => {
  // Linking waits for a confirmed address; the banks page says so.
  if (!requireUser(event).emailVerified) redirect(303, '/banks')

  const mode = getLinkMode()
  if (mode.kind === 'chooser') {
    const institutions = await listChooserInstitutions(event.locals.requestId)
    const wanted = event.url.searchParams.get('institution')
    const chosen = institutions.find((institution) => institution.id === wanted) ?? null
    return { mode: mode.kind, institutions, chosen, linkToken: null, problem: null }
  }

  // Plaid asks for a fresh token each time Link opens; it lives four hours.
  const token = await createLinkToken(event.locals.api)
  return {
    mode: mode.kind,
    institutions: [],
    chosen: null,
    linkToken: token.ok ? token.value : null,
    problem: token.ok ? null : token.problem.message,
  }
}

export const actions: Actions = {
  /** The local chooser: sign in to a sandbox bank, then link it as Link's onSuccess would. */
  signIn: async (event) => {
    const { locals } = event
    requireUser(event)
    if (getLinkMode().kind !== 'chooser') {
      return rejectForm(400, { form: 'signIn', message: 'Link your bank with Plaid instead.' })
    }

    const form = readChooserForm(await readForm(event.request), 'signIn')
    if (!form.ok) return form.failure
    const { fields } = form
    const values = keptValues(fields)

    const token = await createLinkToken(locals.api)
    if (!token.ok) return rejectBankStep(token.problem, 'signIn', values)
    const link = await completeChooserLink(locals.requestId, { linkToken: token.value, ...fields })
    if (!link.ok) return rejectBankStep(link.problem, 'signIn', values)
    const linked = await finishLink(locals.api, link.value)
    if (!linked.ok) return rejectBankStep(linked.problem, 'signIn', values)

    locals.log.info('bank linked', { itemId: linked.value.id })
    redirect(303, '/banks?done=linked')
  },

  /** Plaid Link finished in the browser and handed over its public token. */
  finish: async (event) => {
    const { locals } = event
    requireUser(event)

    const result = readLinkResult(await readForm(event.request))
    if (!result) {
      return rejectForm(400, { form: 'finish', message: 'Plaid did not finish. Try again.' })
    }
    const linked = await finishLink(locals.api, result)
    if (!linked.ok) return rejectBankStep(linked.problem, 'finish')

    locals.log.info('bank linked', { itemId: linked.value.id })
    redirect(303, '/banks?done=linked')
  },
}
