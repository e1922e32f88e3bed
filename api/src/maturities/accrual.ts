import type { Tx } from '@tenor/db'
import {
  accountBalance,
  accounts,
  accrueInterestPosting,
  type CalendarDate,
  calculateAccruedInterest,
  postTransaction,
  toCalendarDate,
} from '@tenor/db/domain'
import type { Logger } from '@tenor/db/logger'
import { ledgerTransactions, purchases } from '@tenor/db/schema'
import { and, asc, eq, gt, isNull } from 'drizzle-orm'
import type { PurchaseDeps } from '../purchases/deps.ts'
import { findOffering, findPurchase, ledgerRefOf } from '../purchases/records.ts'
import { noteTermsOf } from '../purchases/views.ts'
import { businessToday } from './due.ts'
import { pagesById } from './paging.ts'
import { writeRetrying } from './records.ts'

// Notes per transaction: few fsyncs for a day's accruals, while the API beside the worker never
// waits on the write lock for more than a few milliseconds.
const pageSize = 50

/**
 * Posts the interest each active note has earned so far and not yet posted
 * (`issuer:interest_expense → note:interest_payable`), so the books carry what is owed day by
 * day instead of all of it on the maturity date. The amount is the difference between the
 * interest accrued to today (`calculateAccruedInterest`, one rounding of the exact figure) and
 * the note's interest payable: never a sum of rounded days (money.md §2.4), so the accruals add
 * up to the maturity interest exactly.
 *
 * Only notes maturing after today accrue here; the maturity run posts the rest, on the day the
 * note matures (`maturity_accrual`), and a return or refund reverses what was posted. Notes
 * already accrued today are left out of the query, so hourly reruns read nothing new. Each page
 * of notes is one transaction, each note re-read in it, so a note undone meanwhile gets nothing.
 */
export async function accrueInterest(
  deps: PurchaseDeps,
  log: Logger,
  today: CalendarDate = businessToday(deps),
): Promise<{ accrued: number; accrualErrors: number }> {
  const counts = { accrued: 0, accrualErrors: 0 }
  const unaccrued = pagesById(pageSize, (after) =>
    deps.database.db
      .select({ id: purchases.id })
      .from(purchases)
      .leftJoin(
        ledgerTransactions,
        and(
          eq(ledgerTransactions.purchaseId, purchases.id),
          eq(ledgerTransactions.kind, 'interest_accrued'),
          eq(ledgerTransactions.effectiveDate, today),
        ),
      )
      .where(
        and(
          eq(purchases.state, 'active'),
          gt(purchases.maturityDate, today),
          isNull(ledgerTransactions.id),
          gt(purchases.id, after),
        ),
      )
      .orderBy(asc(purchases.id))
      .limit(pageSize),
  )
  for await (const page of unaccrued) {
    try {
      counts.accrued += await writeRetrying(deps.database, async (tx) => {
        let posted = 0
        for (const { id } of page) {
          if (await accrueNote(tx, id, today)) posted += 1
        }
        return posted
      })
    } catch (error) {
      counts.accrualErrors += page.length
      log.error('could not post accrued interest', {
        firstPurchaseId: page[0]?.id,
        notes: page.length,
        error,
      })
    }
  }
  return counts
}

/** Posts one note's accrual to `today` in the caller's transaction; false with nothing new. */
async function accrueNote(tx: Tx, purchaseId: string, today: CalendarDate): Promise<boolean> {
  const purchase = await findPurchase(tx, purchaseId)
  if (purchase?.state !== 'active' || !purchase.settledOn || !purchase.maturityDate) return false
  const maturityDate = toCalendarDate(purchase.maturityDate)
  if (maturityDate <= today) return false

  const offering = await findOffering(tx, purchase.offeringId)
  const accruedCents = calculateAccruedInterest({
    ...noteTermsOf(offering, purchase),
    principalCents: purchase.amountCents,
    startDate: toCalendarDate(purchase.settledOn),
    maturityDate,
    asOf: today,
  })
  const postedCents = await accountBalance(tx, accounts.noteInterestPayable(purchase.id))
  // Accrued interest only grows; posted beyond today means a clock set back (development's
  // movable clock), and the days already posted stay posted.
  if (accruedCents <= postedCents) return false

  const posting = accrueInterestPosting({
    ...ledgerRefOf(purchase, today),
    accruedCents,
    postedCents,
  })
  if (posting) await postTransaction(tx, posting)
  return posting !== null
}
