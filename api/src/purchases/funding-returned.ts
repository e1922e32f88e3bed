import type { LedgerReader } from '@tenor/db/domain'
import { purchases, transferEvents } from '@tenor/db/schema'
import { sql } from 'drizzle-orm'

// Purchases looked up in one statement: well under SQLite's limit on bound values.
const chunkSize = 500

/**
 * Whether the debit that paid for a note came back: the note's own, or, for a note rolled over
 * from another, the debit of the first note in that chain (a rolled note's money is the note
 * before it).
 */
export async function wasFundingReturned(db: LedgerReader, purchaseId: string): Promise<boolean> {
  return (await findFundingReturned(db, [purchaseId])).has(purchaseId)
}

/** The notes among `purchaseIds` whose funding came back, as `wasFundingReturned` tells it. */
export async function findFundingReturned(
  db: LedgerReader,
  purchaseIds: readonly string[],
): Promise<Set<string>> {
  const returned = new Set<string>()
  for (let start = 0; start < purchaseIds.length; start += chunkSize) {
    const ids = purchaseIds.slice(start, start + chunkSize).map((id) => sql`${id}`)
    const rows = await db.all<{ id: string }>(sql`
      with recursive chain(root, id, transfer_id, rolled_from) as (
        select ${purchases.id}, ${purchases.id}, ${purchases.transferId}, ${purchases.rolledFromPurchaseId}
          from ${purchases} where ${purchases.id} in (${sql.join(ids, sql`, `)})
        union
        select chain.root, p.id, p.transfer_id, p.rolled_from_purchase_id
          from ${purchases} p join chain on p.id = chain.rolled_from
      )
      select distinct chain.root as id from ${transferEvents} e
        join chain on e.transfer_id = chain.transfer_id
      where e.event_type = 'returned'`)
    for (const row of rows) returned.add(row.id)
  }

  return returned
}
