import type { ActionFailure } from '@sveltejs/kit'
import { error, redirect } from '@sveltejs/kit'
import { describeBankReason } from '#lib/bank-words.ts'
import { keptValues, readChooserForm, rejectBankStep } from '#lib/server/bank-steps.ts'
import {
  type Bank,
  type BankOutcome,
  createLinkToken,
  findBank,
  markReconnected,
} from '#lib/server/banks.ts'
import { type FormFailure, readForm, rejectForm } from '#lib/server/forms.ts'
import { requireUser } from '#lib/server/guards.ts'
import {
  completeChooserLink,
  getLinkMode,
  listChooserInstitutions,
} from '#lib/server/plaid-link.ts'
import type { Actions, PageServerLoad } from './$types'

export const load: PageServerLoad = async (event) => {
  requireUser(event)
  const bank = await findBank(event.locals.api, event.params.id)
  if (!bank) error(404, 'That bank is not linked to your account.')

  const name = bank.institutionName ?? 'your bank'
  const mode = getLinkMode()
  if (mode.kind === 'chooser') {
    // The API names the bank but not its institution id; the chooser's list maps one to the other.
    const institutions = await listChooserInstitutions(event.locals.requestId)
    const match = institutions.find((institution) => institution.name === bank.institutionName)
    const institution = { id: match?.id ?? institutions[0]?.id ?? '', name }
    return { mode: mode.kind, bank, institution, linkToken: null, problem: null }
  }

  // Update mode: a token tied to this bank, so Link repairs it instead of adding another.
  const token = await createLinkToken(event.locals.api, bank.id)
  return {
    mode: mode.kind,
    bank,
    institution: null,
    linkToken: token.ok ? token.value : null,
    problem: token.ok ? null : token.problem.message,
  }
}

export const actions: Actions = {
  /** The local chooser in update mode: sign in again, then have the API re-check the bank. */
  signIn: async (event) => {
    const { locals, params } = event
    requireUser(event)
    if (getLinkMode().kind !== 'chooser') {
      return rejectForm(400, { form: 'signIn', message: 'Reconnect your bank with Plaid instead.' })
    }

    const form = readChooserForm(await readForm(event.request), 'signIn')
    if (!form.ok) return form.failure
    const { fields } = form
    const values = keptValues(fields)

    const token = await createLinkToken(locals.api, params.id)
    if (!token.ok) return rejectBankStep(token.problem, 'signIn', values)
    const link = await completeChooserLink(locals.requestId, { linkToken: token.value, ...fields })
    if (!link.ok) return rejectBankStep(link.problem, 'signIn', values)

    return confirmReconnected(event, await markReconnected(locals.api, params.id), 'signIn', values)
  },

  /** Plaid Link's update mode finished in the browser; there is no token to exchange. */
  finish: async (event) => {
    const { locals, params } = event
    requireUser(event)

    return confirmReconnected(event, await markReconnected(locals.api, params.id), 'finish', {})
  },
}

/** Back to the banks page when the bank is healthy again; otherwise say what it still reports. */
function confirmReconnected(
  event: { locals: App.Locals },
  outcome: BankOutcome<Bank>,
  form: string,
  values: Record<string, string>,
): ActionFailure<FormFailure> {
  if (!outcome.ok) return rejectBankStep(outcome.problem, form, values)

  const bank = outcome.value
  if (bank.status !== 'healthy') {
    const reason = describeBankReason(bank.status, bank.statusReason)
    return rejectForm(409, {
      form,
      values,
      message: `Your bank still reports a problem. ${reason ?? 'Try again in a few minutes.'}`,
    })
  }

  event.locals.log.info('bank reconnected', { itemId: bank.id })
  redirect(303, '/banks?done=reconnected')
}
