import { cancelPendingDebits, refundCancelledOfferings } from '@tenor/api/admin/repayments'
import type { Job } from '../job.ts'

/**
 * After an offering is cancelled: debits still pending (a purchase that was confirming with
 * Plaid at the time, or a cancel Plaid did not answer) are cancelled, and notes whose debit
 * settled after the cancellation are brought to their repayment date, so the maturity job
 * repays them like the rest.
 */
export const repayCancelledOfferings: Job = {
  name: 'cancelled-offerings',
  async run({ deps }) {
    const debits = await cancelPendingDebits(deps)
    return {
      debitsCancelled: debits.cancelled,
      debitsNotCancelled: debits.notCancelled,
      notesToRepay: await refundCancelledOfferings(deps),
    }
  },
}
