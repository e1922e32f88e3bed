import { error, redirect } from '@sveltejs/kit'
import { fundingSubtypes } from '@tenor/api/plaid/account-use'
import { rejectBankStep } from '#lib/server/bank-steps.ts'
import { findBank, removeBank } from '#lib/server/banks.ts'
import { requireUser } from '#lib/server/guards.ts'
import { listPurchases } from '#lib/server/purchases.ts'
import type { Actions, PageServerLoad } from './$types'

export const load: PageServerLoad = async (event) => {
  requireUser(event)
  const [bank, purchases] = await Promise.all([
    findBank(event.locals.api, event.params.id),
    listPurchases(event.locals.api),
  ])
  if (!bank) error(404, 'That bank is not linked to your account.')

  // What removing it touches: money on its way there, and notes that would be paid there.
  const here = new Set(bank.accounts.map((account) => account.id))
  const onItsWayCents = purchases
    .filter(({ payment }) => payment && here.has(payment.bankAccountId ?? ''))
    .filter(({ payment }) => payment?.stage === 'sending' || payment?.stage === 'on_its_way')
    .reduce((total, { payment }) => total + (payment?.amountCents ?? 0), 0)
  const notesPayingHere = purchases.filter(
    (purchase) =>
      ['pending', 'processing', 'active'].includes(purchase.state) &&
      here.has(purchase.bankAccountId ?? ''),
  ).length
  // Debits not yet settled: the bank still takes them, linked or not.
  const debitsComing = purchases.filter(
    (purchase) =>
      ['pending', 'processing'].includes(purchase.state) && here.has(purchase.bankAccountId),
  )
  const debitsComingCents = debitsComing.reduce((total, { amountCents }) => total + amountCents, 0)
  const cancellable = debitsComing.filter((purchase) => purchase.cancellable).length

  // What removing it stops: only checking and savings accounts ever paid or received (a credit
  // card shared with the bank never could), and closed ones no longer do.
  const paying = bank.accounts.filter(
    (account) => account.status !== 'closed' && fundingSubtypes.has(account.subtype ?? ''),
  )

  return { bank, paying, onItsWayCents, notesPayingHere, debitsComingCents, cancellable }
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
