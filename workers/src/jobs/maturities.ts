import { matureDueHoldings, sendDuePayouts } from '@tenor/api/maturities/due'
import { resendHeldPayouts } from '@tenor/api/maturities/resend'
import type { Job } from '../job.ts'

/**
 * Matures every holding whose maturity date has come (business dates in BUSINESS_TIME_ZONE),
 * each in one transaction with its ledger postings, rollover and payout row; and sends every
 * payout still `initiated` by ACH credit, this run's and any an earlier run left (a crash, a
 * decline, Plaid not answering), and held money whose investor has since linked an account
 * that can receive it (`resendHeldPayouts`). Sending starts with the first maturities rather than after
 * the last, so a large run waits on Plaid and on the database at the same time. Every step is
 * idempotent, so a killed run is simply run again. Payout credits settle, fail or come back
 * through the transfer-sync job.
 */
export const maturities: Job = {
  name: 'maturities',
  // Longer than a run over many holdings with a slow Plaid; overlap would still pay once.
  leaseMs: 30 * 60 * 1000,
  async run({ deps, log }) {
    // First, so money sent again goes out in this run with the rest.
    const resent = await resendHeldPayouts(deps, log)
    const maturing = matureDueHoldings(deps, log)
    const sending = sendDuePayouts(deps, log, { alongside: maturing })
    // Both end before the run does, even when one fails, so no send outlives the run's lease.
    const [maturingDone, sendingDone] = await Promise.allSettled([maturing, sending])
    if (maturingDone.status === 'rejected') throw maturingDone.reason
    if (sendingDone.status === 'rejected') throw sendingDone.reason
    const matured = maturingDone.value
    const payouts = sendingDone.value
    if (payouts.declined > 0) {
      log.error('payouts declined by Plaid; is the Plaid Ledger funded?', {
        declined: payouts.declined,
      })
    }
    // Each was reported at error level by the run that first withheld it.
    if (payouts.stillWithheld > 0) {
      log.warn('payouts withheld for review still wait for a person', {
        withheld: payouts.stillWithheld,
      })
    }

    return {
      ...matured,
      payoutsResent: resent,
      payoutsSent: payouts.sent,
      payoutsWaiting: payouts.waiting,
      payoutsWithheld: payouts.withheld + payouts.stillWithheld,
      payoutsDeclined: payouts.declined,
      payoutsRefused: payouts.refused,
      payoutsHeld: payouts.held,
      payoutErrors: payouts.payoutErrors,
    }
  },
}
