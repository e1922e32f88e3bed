/** The checks after a maturity run: paid exactly once, at Plaid and in our books. */
import { readFileSync } from 'node:fs'
import { openDatabase } from '@tenor/db'
import { checkLedger } from '@tenor/db/domain'
import { sql } from 'drizzle-orm'
import type { Transfer } from 'plaid'

/**
 * Every holding matured with one payout, that payout holds one credit at the stand-in made for
 * it, the stand-in made no other credit, and every ledger invariant holds. Answers what is
 * wrong, if anything, in words.
 */
export async function checkPaidOnce(
  expected: number,
  databasePath: string,
  plaidStatePath: string,
): Promise<{ problems: string[]; ledgerViolations: string[] }> {
  const problems: string[] = []
  const database = openDatabase({ url: `file:${databasePath}` })
  try {
    const [counts] = await database.db.all<{ matured: number; payouts: number; owners: number }>(
      sql`select
        (select count(*) from purchases where state = 'matured') as matured,
        (select count(*) from payouts where kind = 'maturity') as payouts,
        (select count(distinct purchase_id) from payouts where kind = 'maturity') as owners`,
    )
    if (counts?.matured !== expected) problems.push(`${counts?.matured} of ${expected} matured`)
    if (counts?.payouts !== expected || counts.owners !== expected) {
      problems.push(`${counts?.payouts} payouts for ${counts?.owners} of ${expected} holdings`)
    }

    const payouts = await database.db.all<{ id: string; state: string; transferId: string | null }>(
      sql`select id, state, transfer_id as transferId from payouts where kind = 'maturity'`,
    )
    const state = JSON.parse(readFileSync(plaidStatePath, 'utf8')) as {
      transfers: Record<string, Transfer>
    }
    const credits = Object.values(state.transfers).filter((t) => t.type === 'credit')
    const creditsPerPayout = new Map<string, number>()
    for (const credit of credits) {
      const payoutId = credit.metadata?.payout_id ?? ''
      creditsPerPayout.set(payoutId, (creditsPerPayout.get(payoutId) ?? 0) + 1)
    }
    const unsent = payouts.filter((payout) => {
      const credit = payout.transferId ? state.transfers[payout.transferId] : undefined
      return payout.state !== 'pending' || credit?.metadata?.payout_id !== payout.id
    }).length
    const twice = [...creditsPerPayout.values()].filter((n) => n > 1).length
    if (unsent > 0) problems.push(`${unsent} payouts without their credit at the stand-in`)
    if (twice > 0) problems.push(`${twice} payouts credited more than once`)
    if (credits.length !== expected) problems.push(`${credits.length} credits for ${expected}`)

    const violations = await checkLedger(database.db)
    return { problems, ledgerViolations: violations.map((v) => v.message) }
  } finally {
    database.close()
  }
}
