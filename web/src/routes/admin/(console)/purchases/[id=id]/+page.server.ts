import { error } from '@sveltejs/kit'
import { listApprovals } from '#lib/server/admin-governance.ts'
import { findPurchase, requestPayoutDecision, requestRefund } from '#lib/server/admin-purchases.ts'
import { readFields, readForm, rejectForm, rejectWithProblem } from '#lib/server/forms.ts'
import { requireAdmin } from '#lib/server/guards.ts'
import type { Actions, PageServerLoad, RequestEvent } from './$types'

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
  release: (event) => askPayoutDecision(event, 'release'),
  cancel: (event) => askPayoutDecision(event, 'cancel'),
}

/** The payout review's forms: release or cancel a withheld payout, with what the review found. */
async function askPayoutDecision(event: RequestEvent, decision: 'release' | 'cancel') {
  requireAdmin(event)

  const fields = readFields(await readForm(event.request), ['reason', 'seenThroughEventId'])
  const { reason, seenThroughEventId: seen } = fields
  // A release goes with the page's reading of the transfer events: a return stored since stops it.
  const ask =
    decision === 'cancel'
      ? { decision, reason }
      : /^[0-9]{1,15}$/.test(seen)
        ? { decision, reason, seenThroughEventId: Number(seen) }
        : null
  if (!ask) {
    return rejectForm(400, {
      form: decision,
      message: 'Open the purchase again, review it, then ask.',
      values: { reason },
    })
  }
  const outcome = await requestPayoutDecision(event.locals.api, event.params.id, ask)
  if (outcome.ok) return { form: decision, requested: true }
  return rejectWithProblem(outcome.problem, decision, ['reason'], { reason })
}
