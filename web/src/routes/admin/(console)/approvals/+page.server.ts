import { wasNotApplied } from '#lib/approval-words.ts'
import { decideApproval, listApprovals, withdrawApproval } from '#lib/server/admin-governance.ts'
import { listOfferings } from '#lib/server/admin-offerings.ts'
import { readFields, readForm, rejectForm } from '#lib/server/forms.ts'
import { requireAdmin } from '#lib/server/guards.ts'
import type { Actions, PageServerLoad } from './$types'

export const load: PageServerLoad = async (event) => {
  const admin = requireAdmin(event)

  // Waiting requests are asked for by state: the newest of all states could crowd them out.
  const [pending, approvals, offerings] = await Promise.all([
    listApprovals(event.locals.api, 'pending'),
    listApprovals(event.locals.api),
    listOfferings(event.locals.api),
  ])
  // Requests name their target by id; an offering's name is what an admin recognises.
  const offeringNames = Object.fromEntries(offerings.map((o) => [o.id, o.name]))
  return {
    pending,
    decided: approvals.filter((approval) => approval.state !== 'pending').slice(0, 50),
    offeringNames,
    adminId: admin.id,
  }
}

async function decide(event: Parameters<Actions[string]>[0], approve: boolean) {
  requireAdmin(event)

  const { approvalId, reason } = readFields(await readForm(event.request), ['approvalId', 'reason'])
  const outcome = await decideApproval(
    event.locals.api,
    approvalId,
    approve ? { approve: true } : { approve: false, reason: reason.trim() },
  )
  if (outcome.ok) {
    const { state, result } = outcome.value
    return { form: 'decide', approvalId, failed: wasNotApplied(state, result), result }
  }

  return rejectForm(outcome.problem.status, {
    form: 'decide',
    values: { approvalId },
    message: outcome.problem.message,
  })
}

export const actions: Actions = {
  approve: (event) => decide(event, true),
  reject: (event) => decide(event, false),
  withdraw: async (event) => {
    requireAdmin(event)

    const { approvalId } = readFields(await readForm(event.request), ['approvalId'])
    const outcome = await withdrawApproval(event.locals.api, approvalId)
    if (outcome.ok) return { form: 'decide', approvalId, withdrawn: true }

    return rejectForm(outcome.problem.status, {
      form: 'decide',
      values: { approvalId },
      message: outcome.problem.message,
    })
  },
}
