import { checkLedger } from '@tenor/db/domain'
import type { Job } from '../job.ts'

/**
 * The nightly proof that the books balance: every invariant of `bun run ledger:check`. Any
 * violation fails the run, which logs at error level (and so reaches Sentry) and shows on the
 * admin operations page.
 */
export const checkLedgerJob: Job = {
  name: 'ledger-check',
  minIntervalMs: 20 * 60 * 60 * 1000,
  async run({ deps, log }) {
    const violations = await checkLedger(deps.database.db)
    if (violations.length > 0) {
      log.error('ledger check found violations', { violations: violations.slice(0, 20) })
      throw new Error(`ledger check found ${violations.length} violations`)
    }
    return { violations: 0 }
  },
}
