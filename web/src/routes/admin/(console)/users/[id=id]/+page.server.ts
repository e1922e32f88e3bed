import { error, redirect } from '@sveltejs/kit'
import { decideKyc, findUser, setUserRole, setUserStatus } from '#lib/server/admin.ts'
import { listApprovals, listAudit } from '#lib/server/admin-governance.ts'
import { readFields, readForm, rejectForm, rejectWithProblem } from '#lib/server/forms.ts'
import { requireAdmin } from '#lib/server/guards.ts'
import type { Actions, PageServerLoad } from './$types'

export const load: PageServerLoad = async (event) => {
  const admin = requireAdmin(event)

  const { api } = event.locals
  const [found, history, waiting] = await Promise.all([
    findUser(api, event.params.id),
    listAudit(api, { targetId: event.params.id, limit: 20 }),
    listApprovals(api, 'pending'),
  ])
  if (!found) error(404, 'There is no user with that id.')

  const kycChanged = event.url.searchParams.get('kyc') === 'changed'
  const grantWaiting = waiting.some(
    (approval) => approval.action === 'user.grant_admin' && approval.targetId === event.params.id,
  )
  return { ...found, history, isSelf: found.user.id === admin.id, kycChanged, grantWaiting }
}

const detailsReplaced =
  'The investor sent new details while you had this page open, so nothing was decided. Read the details waiting now; your reason is kept below.'

/**
 * The investor sent new details since the page was opened: the page is shown again, with them,
 * rather than left offering a decision on details that are no longer the ones waiting.
 */
function reviewAgain(userId: string): never {
  redirect(303, `/admin/users/${userId}?kyc=changed`)
}

export const actions: Actions = {
  approve: async (event) => {
    requireAdmin(event)

    const { submittedAt } = readFields(await readForm(event.request), ['submittedAt'])
    const outcome = await decideKyc(event.locals.api, event.params.id, {
      decision: 'approve',
      submittedAt,
    })
    if (outcome.ok) return { form: 'kyc', decided: 'approved' } as const
    if (outcome.problem.code === 'kyc_changed') reviewAgain(event.params.id)

    return rejectForm(outcome.problem.status, { form: 'kyc', message: outcome.problem.message })
  },

  reject: async (event) => {
    requireAdmin(event)

    const { reason, submittedAt } = readFields(await readForm(event.request), [
      'reason',
      'submittedAt',
    ])
    const outcome = await decideKyc(event.locals.api, event.params.id, {
      decision: 'reject',
      submittedAt,
      reason,
    })
    if (outcome.ok) return { form: 'kyc', decided: 'rejected' } as const
    if (outcome.problem.code === 'kyc_changed') {
      // Unlike an approval, a rejection carries what was typed: it stays in the form, over the
      // new details (the form reloads the page's data after a refusal).
      return rejectForm(409, { form: 'reject', values: { reason }, message: detailsReplaced })
    }

    return rejectWithProblem(outcome.problem, 'reject', ['reason'], { reason })
  },

  disable: async (event) => {
    requireAdmin(event)

    const { reason } = readFields(await readForm(event.request), ['reason'])
    const outcome = await setUserStatus(event.locals.api, event.params.id, {
      status: 'disabled',
      reason,
    })
    if (outcome.ok) return { form: 'account', done: 'disabled' } as const
    return rejectWithProblem(outcome.problem, 'disable', ['reason'], { reason })
  },

  enable: async (event) => {
    requireAdmin(event)

    const outcome = await setUserStatus(event.locals.api, event.params.id, { status: 'active' })
    if (outcome.ok) return { form: 'account', done: 'enabled' } as const
    return rejectForm(outcome.problem.status, { form: 'account', message: outcome.problem.message })
  },

  setRole: async (event) => {
    requireAdmin(event)

    const { role } = readFields(await readForm(event.request), ['role'])
    // Only the two roles the form sends: anything else is not read as a demotion.
    if (role !== 'admin' && role !== 'investor') {
      return rejectForm(400, { form: 'account', message: 'Choose a role to give.' })
    }
    const outcome = await setUserRole(event.locals.api, event.params.id, role)
    if (outcome.ok) {
      if (outcome.value === 'requested') return { form: 'account', done: 'grantRequested' } as const
      return { form: 'account', done: role === 'admin' ? 'granted' : 'revoked' } as const
    }
    return rejectForm(outcome.problem.status, { form: 'account', message: outcome.problem.message })
  },
}
