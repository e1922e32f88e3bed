import { createClient } from '@libsql/client'
import { rateLimitRules } from '../../../../api/src/lib/rate-limit-rules.ts'
import { e2ePaths } from '../../ports.ts'

/** Limits on bank links counted by address: every story's browser shares the loopback one. */
const bankLinkRules = [rateLimitRules.linkTokenByAddress, rateLimitRules.bankPlaidByAddress]

/**
 * Forgets what this run's earlier stories spent of the per-address limits on linking banks, as
 * if each story's browser came from an address of its own (as its investor does: see
 * `createInvestor`). A whole run links more banks in an hour than one address may; the limits
 * themselves are tested in the API's suite.
 */
export async function forgetBankLinksByAddress(): Promise<void> {
  const client = createClient({ url: `file:${e2ePaths.database}` })
  try {
    // The running API and worker write to the same file; wait for their lock rather than fail.
    await client.execute('pragma busy_timeout = 5000')
    for (const rule of bankLinkRules) {
      await client.execute({
        sql: 'delete from rate_limits where key like ?',
        args: [`${rule.name}:%`],
      })
    }
  } finally {
    client.close()
  }
}
