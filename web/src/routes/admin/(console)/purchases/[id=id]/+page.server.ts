import { error } from '@sveltejs/kit'
import { listApprovals } from '#lib/server/admin-governance.ts'
import {
  findPurchase,
  requestPayoutCancel,
  requestPayoutRelease,
  requestRefund,
} from '#lib/server/admin-purchases.ts'
import { readFields, readForm, rejectWithProblem } from '#lib/server/forms.ts'
import { requireAdmin } from '#lib/server/guards.ts'
import type { Actions, PageServerLoad } from './$types'

export const load: PageServerLoad = async (event) => {
  requireAdmin(event)

  const { api } = event.locals
  const purchaseId = event.params.id
  const [found, waiting] = await Promise.all([
    findPurchase(api, purchaseId),
    listApprovals(api, 'pending'),
  ])
  if (!found) error(404, 'There is no purchase with that id.')

  return {
    ...found,
    refundWaiting: waiting.some(
      (approval) => approval.action === 'purchase.refund' && approval.targetId === purchaseId,
    ),
    releaseWaiting: waiting.some(
      (approval) => approval.action === 'payout.release' && approval.targetId === purchaseId,
    ),
    cancelWaiting: waiting.some(
      (approval) => approval.action === 'payout.cancel' && approval.targetId === purchaseId,
    ),
  }
}

export const actions: Actions = {
  refund: async (event) => {
    requireAdmin(event)

    const { reason } = readFields(await readForm(event.request), ['reason'])
    const outcome = await requestRefund(event.locals.api, event.params.id, reason)
    if (outcome.ok) return { form: 'refund', requested: true }
    return rejectWithProblem(outcome.problem, 'refund', ['reason'], { reason })
  },
  release: async (event) => {
    requireAdmin(event)

    const { reason } = readFields(await readForm(event.request), ['reason'])
    const outcome = await requestPayoutRelease(event.locals.api, event.params.id, reason)
    if (outcome.ok) return { form: 'release', requested: true }
    return rejectWithProblem(outcome.problem, 'release', ['reason'], { reason })
  },
  cancel: async (event) => {
    requireAdmin(event)

    const { reason } = readFields(await readForm(event.request), ['reason'])
    const outcome = await requestPayoutCancel(event.locals.api, event.params.id, reason)
    if (outcome.ok) return { form: 'cancel', requested: true }
    return rejectWithProblem(outcome.problem, 'cancel', ['reason'], { reason })
  },
}
