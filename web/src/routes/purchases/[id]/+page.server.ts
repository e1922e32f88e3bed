import { error } from '@sveltejs/kit'
import { type Bank, listBanks } from '#lib/server/banks.ts'
import { rejectForm } from '#lib/server/forms.ts'
import { requireUser } from '#lib/server/guards.ts'
import { cancelPurchase, findPurchase } from '#lib/server/purchases.ts'
import type { Actions, PageServerLoad } from './$types'

export const load: PageServerLoad = async (event) => {
  const { locals, params, depends } = event
  requireUser(event)
  // The page asks for this again while the purchase is moving, to follow it.
  depends('app:purchase')

  const [purchase, banks] = await Promise.all([
    findPurchase(locals.api, params.id),
    listBanks(locals.api),
  ])
  if (!purchase) error(404, 'We cannot find that purchase.')

  return {
    purchase,
    fundedFrom: describeAccount(banks, purchase.bankAccountId),
    paidTo: describeAccount(banks, purchase.payment?.bankAccountId ?? null),
  }
}

/** An account by its name, last digits and bank; null when it is no longer linked. */
function describeAccount(banks: Bank[], accountId: string | null) {
  const bank = banks.find((b) => b.accounts.some((a) => a.id === accountId))
  const account = bank?.accounts.find((a) => a.id === accountId)
  if (!account) return null

  return { name: account.name, mask: account.mask, bankName: bank?.institutionName ?? 'your bank' }
}

export const actions: Actions = {
  cancel: async (event) => {
    const { locals, params } = event
    requireUser(event)

    const cancelled = await cancelPurchase(locals.api, params.id)
    if (cancelled.ok) {
      locals.log.info('purchase cancelled', { purchaseId: params.id })
      return { form: 'cancel', cancelled: true }
    }

    const { problem } = cancelled
    if (problem.status === 404) error(404, 'We cannot find that purchase.')
    return rejectForm(problem.status, { form: 'cancel', message: problem.message })
  },
}
