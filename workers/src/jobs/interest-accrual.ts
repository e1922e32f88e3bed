import { accrueInterest } from '@tenor/api/maturities/accrual'
import type { Job } from '../job.ts'

/**
 * Posts the interest every active note has earned to today and not yet posted, once a
 * business day (later runs of the day find nothing new); the maturity run posts the last part.
 */
export const interestAccrual: Job = {
  name: 'interest-accrual',
  run: ({ deps, log }) => accrueInterest(deps, log),
}
