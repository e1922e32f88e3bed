import { carryOutStalledApprovals } from '@tenor/api/admin/approvals'
import type { Job } from '../job.ts'

/**
 * Approved admin requests the API stopped before carrying out (a deploy or a crash between the
 * approval and its action) are carried out here, once they have waited ten minutes, as the
 * approver: a rate change, an offering's cancellation, a refund, a new administrator.
 */
export const approvals: Job = {
  name: 'approvals',
  run: ({ deps }) => carryOutStalledApprovals(deps),
}
