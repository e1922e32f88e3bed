import { refundCancelledOfferings } from '@tenor/api/admin/approvals'
import type { Job } from '../job.ts'

/**
 * Notes of a cancelled offering whose debit settled after the cancellation are brought to
 * maturity today, so the maturity job repays them like the rest.
 */
export const repayCancelledOfferings: Job = {
  name: 'cancelled-offerings',
  async run({ deps }) {
    return { notesDueToday: await refundCancelledOfferings(deps) }
  },
}
