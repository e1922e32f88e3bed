import type { LedgerReader } from '@tenor/db/domain'
import { purchases, transferEvents } from '@tenor/db/schema'
import { sql } from 'drizzle-orm'

/**
 * Whether the debit that paid for a note came back: the note's own, or, for a note rolled over
 * from another, the debit of the first note in that chain (a rolled note's money is the note
 * before it).
 */
export async function wasFundingReturned(db: LedgerReader, purchaseId: string): Promise<boolean> {
  // `all`, not `get`: drizzle's libSQL `get` throws on raw SQL that finds no row.
  const returned = await db.all<{ found: number }>(sql`
    with recursive chain(id, transfer_id, rolled_from) as (
      select ${purchases.id}, ${purchases.transferId}, ${purchases.rolledFromPurchaseId}
        from ${purchases} where ${purchases.id} = ${purchaseId}
      union
      select p.id, p.transfer_id, p.rolled_from_purchase_id
        from ${purchases} p join chain on p.id = chain.rolled_from
    )
    select 1 as found from ${transferEvents} e join chain on e.transfer_id = chain.transfer_id
    where e.event_type = 'returned' limit 1`)

  return returned.length > 0
}
