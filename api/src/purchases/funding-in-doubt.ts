import type { LedgerReader } from '@tenor/db/domain'
import { purchases, transferEvents } from '@tenor/db/schema'
import { sql } from 'drizzle-orm'
import {
  findDisputedAccounts,
  readAccountsAtBank,
  sameAccountKey,
} from '../plaid/disputed-accounts.ts'

// Purchases looked up in one statement: well under SQLite's limit on bound values.
const chunkSize = 400

/**
 * Whether the money that paid for a note is in doubt, so that its payout waits for a person
 * instead of going anywhere: the debit that paid for it came back (the note's own, or, for a
 * note rolled over from another, that of the first note in the chain, whose money it is), or
 * its bank reported another debit from the same account as unauthorized (R05, R07, R10, R29),
 * linked through this connection or another (`findDisputedAccounts`).
 * An account holder who disputes one debit may dispute the rest within sixty days; paying the
 * note out meanwhile, to that account or any other, could pay its money twice.
 */
export async function wasFundingInDoubt(db: LedgerReader, purchaseId: string): Promise<boolean> {
  return (await findFundingInDoubt(db, [purchaseId])).has(purchaseId)
}

/** The notes among `purchaseIds` whose funding is in doubt, as `wasFundingInDoubt` tells it. */
export async function findFundingInDoubt(
  db: LedgerReader,
  purchaseIds: readonly string[],
): Promise<Set<string>> {
  const inDoubt = new Set<string>()
  for (let start = 0; start < purchaseIds.length; start += chunkSize) {
    const ids = purchaseIds.slice(start, start + chunkSize).map((id) => sql`${id}`)
    const chains = await db.all<{
      root: string
      userId: string
      bankAccountId: string | null
      returned: number
    }>(sql`
      with recursive chain(root, id, transfer_id, rolled_from, user_id, bank_account_id) as (
        select ${purchases.id}, ${purchases.id}, ${purchases.transferId},
               ${purchases.rolledFromPurchaseId}, ${purchases.userId}, ${purchases.bankAccountId}
          from ${purchases} where ${purchases.id} in (${sql.join(ids, sql`, `)})
        union
        select chain.root, p.id, p.transfer_id, p.rolled_from_purchase_id, p.user_id, p.bank_account_id
          from ${purchases} p join chain on p.id = chain.rolled_from
      )
      select chain.root as root, chain.user_id as userId, chain.bank_account_id as bankAccountId,
             exists (select 1 from ${transferEvents} e
                      where e.transfer_id = chain.transfer_id and e.event_type = 'returned') as returned
        from chain`)
    for (const chain of chains) if (chain.returned) inDoubt.add(chain.root)

    const disputed = await findDisputedAccounts(db, [...new Set(chains.map((c) => c.userId))])
    if (disputed.size === 0) continue
    const accountIds = [...new Set(chains.flatMap((chain) => chain.bankAccountId ?? []))]
    const accounts = await readAccountsAtBank(db, accountIds)
    const disputedIds = new Set(
      accounts.filter((account) => disputed.has(sameAccountKey(account))).map((a) => a.id),
    )
    for (const chain of chains) {
      if (chain.bankAccountId && disputedIds.has(chain.bankAccountId)) inDoubt.add(chain.root)
    }
  }
  return inDoubt
}
