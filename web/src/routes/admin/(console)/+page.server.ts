import { searchUsers } from '#lib/server/admin.ts'
import { listApprovals } from '#lib/server/admin-governance.ts'
import { listOfferings } from '#lib/server/admin-offerings.ts'
import { requireAdmin } from '#lib/server/guards.ts'
import type { PageServerLoad } from './$types'

/** The most identity checks the overview lists; more waiting are counted as "200 or more". */
const reviewListLimit = 200

export const load: PageServerLoad = async (event) => {
  const admin = requireAdmin(event)

  const { api } = event.locals
  const [users, approvals, offerings] = await Promise.all([
    searchUsers(api, '', { kycStatus: 'submitted', limit: reviewListLimit }),
    listApprovals(api, 'pending'),
    listOfferings(api),
  ])
  return {
    awaitingReview: users,
    reviewListLimit,
    approvalsForMe: approvals.filter((approval) => approval.requestedBy !== admin.id).length,
    myApprovals: approvals.filter((approval) => approval.requestedBy === admin.id).length,
    drafts: offerings.filter((offering) => offering.status === 'draft').length,
    // Selling today: an open offering whose window has passed sells nothing.
    open: offerings.filter((o) => o.status === 'open' && o.window === 'within').length,
  }
}
