import type { LedgerReader } from '@tenor/db/domain'
import { purchases } from '@tenor/db/schema'
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'

// The note a matured one rolled part of its money into.
const rolledNotes = alias(purchases, 'rolled_notes')

/**
 * The notes of an offering still owed, by the day they fall due: active ones (those set to be
 * repaid early on their repayment date), and matured ones whose payout has not settled (on its
 * way, or held for the investor), which `paid` ends. Notes undone, paid or rolled over in full
 * are left out. The principal a matured note rolled into a new note is the new note's to owe,
 * so only what is left of it counts here.
 */
export async function readMaturitySchedule(
  db: LedgerReader,
  offeringId: string,
): Promise<{ maturityDate: string; principalCents: number; notes: number }[]> {
  const rows = await db
    .select({
      maturityDate: purchases.maturityDate,
      principalCents: sql<number>`coalesce(sum(max(${purchases.amountCents} - coalesce(${rolledNotes.amountCents}, 0), 0)), 0)`,
      notes: count(),
    })
    .from(purchases)
    .leftJoin(rolledNotes, eq(rolledNotes.rolledFromPurchaseId, purchases.id))
    .where(
      and(eq(purchases.offeringId, offeringId), inArray(purchases.state, ['active', 'matured'])),
    )
    .groupBy(purchases.maturityDate)
    .orderBy(asc(purchases.maturityDate))

  return rows.flatMap(({ maturityDate, principalCents, notes }) =>
    maturityDate === null ? [] : [{ maturityDate, principalCents: Number(principalCents), notes }],
  )
}
