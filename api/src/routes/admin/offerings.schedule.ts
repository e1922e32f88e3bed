import type { LedgerReader } from '@tenor/db/domain'
import { payouts, purchases } from '@tenor/db/schema'
import { and, asc, eq, inArray } from 'drizzle-orm'
import { stillToPay, valueHolding } from '../../purchases/portfolio.ts'
import type { OfferingRow } from '../../purchases/records.ts'
import type { ValuationDay } from '../../purchases/valuation-day.ts'

export interface ScheduleEntry {
  maturityDate: string
  principalCents: number
  interestCents: number
  notes: number
}

/**
 * The notes of an offering still owed, by the day they fall due, with the principal and the
 * interest owed on it: active ones (those set to be repaid early on their repayment date, with
 * interest to that day), and matured ones whose payout has not settled (on its way, or held for
 * the investor), which `paid` ends. Notes undone, paid or rolled over in full are left out. A
 * matured note owes its payout, interest first (as the portfolio counts it): what it rolled into
 * a new note is the new note's to owe. Notes are valued as the investor's portfolio values them.
 */
export async function readMaturitySchedule(
  db: LedgerReader,
  offering: OfferingRow,
  day: ValuationDay,
): Promise<ScheduleEntry[]> {
  const rows = await db
    .select({ purchase: purchases, payoutCents: payouts.amountCents })
    .from(purchases)
    .leftJoin(payouts, and(eq(payouts.purchaseId, purchases.id), eq(payouts.kind, 'maturity')))
    .where(
      and(eq(purchases.offeringId, offering.id), inArray(purchases.state, ['active', 'matured'])),
    )
    .orderBy(asc(purchases.maturityDate))

  const byDate = new Map<string, ScheduleEntry>()
  for (const { purchase, payoutCents } of rows) {
    if (purchase.maturityDate === null) continue
    const valued = valueHolding(purchase, offering, day)
    const owed =
      purchase.state === 'matured' && payoutCents !== null
        ? stillToPay(valued, payoutCents)
        : valued
    // Rolled over in full: nothing of it is owed here.
    if (owed.principalCents + owed.interestAtMaturityCents === 0) continue
    const entry = byDate.get(purchase.maturityDate) ?? {
      maturityDate: purchase.maturityDate,
      principalCents: 0,
      interestCents: 0,
      notes: 0,
    }
    entry.principalCents += owed.principalCents
    entry.interestCents += owed.interestAtMaturityCents
    entry.notes += 1
    byDate.set(purchase.maturityDate, entry)
  }
  return [...byDate.values()]
}
