import { businessDateOf, type CalendarDate, type LedgerReader } from '@tenor/db/domain'
import { type EarlyRepaymentReason, offerings, payouts, purchases } from '@tenor/db/schema'
import { and, asc, eq, isNotNull } from 'drizzle-orm'
import { formatDecimalAmount } from './funding.ts'
import { valueHolding } from './portfolio.ts'
import { earlyRepaymentReasonOf, isHolding } from './views.ts'

const header = [
  'purchase_id',
  'purchased_on',
  'offering',
  'state',
  'principal_usd',
  'rate_percent',
  'settled_on',
  'maturity_date',
  'accrued_interest_usd',
  'interest_at_maturity_usd',
  'paid_to_bank_usd',
  'paid_on',
  'rolled_into',
  'note',
]

/**
 * One CSV cell. A cell a spreadsheet would read as a formula (=, +, -, @, tab, carriage return
 * first) gets a leading single quote (OWASP's CSV injection advice); cells with commas, quotes
 * or line breaks are quoted, as RFC 4180 says.
 */
export function toCsvCell(value: string | number | null): string {
  let text = value === null ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`

  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** The statement's note on a note Tenor repays before the end of its term. */
function repaidEarlyNote(reason: EarlyRepaymentReason | null): string | null {
  const cause = { refund: 'refunded by Tenor', offering_cancelled: 'its offering was cancelled' }
  return reason ? `Repaid early: ${cause[reason]}; maturity_date is the repayment date` : null
}

/**
 * Every purchase of the caller as a CSV statement, oldest first, valued as of `today`. A note
 * that has matured shows the interest it earned to its maturity (or early repayment) date, what
 * reached the bank and when (settled payments only), and the note its money rolled into.
 */
export async function writeStatement(
  db: LedgerReader,
  input: { userId: string; today: CalendarDate; timeZone: string },
): Promise<string> {
  const [rows, settledPayouts] = await Promise.all([
    db
      .select({ purchase: purchases, offering: offerings })
      .from(purchases)
      .innerJoin(offerings, eq(offerings.id, purchases.offeringId))
      .where(eq(purchases.userId, input.userId))
      .orderBy(asc(purchases.createdAt), asc(purchases.id)),
    db
      .select({
        purchaseId: payouts.purchaseId,
        amountCents: payouts.amountCents,
        settledAt: payouts.settledAt,
      })
      .from(payouts)
      .where(
        and(
          eq(payouts.userId, input.userId),
          eq(payouts.state, 'settled'),
          isNotNull(payouts.settledAt),
        ),
      ),
  ])
  const paid = new Map<string, { cents: number; on: string }>()
  for (const payout of settledPayouts) {
    const on = businessDateOf(payout.settledAt ?? new Date(0), input.timeZone)
    const before = paid.get(payout.purchaseId)
    paid.set(payout.purchaseId, {
      cents: (before?.cents ?? 0) + payout.amountCents,
      on: before && before.on > on ? before.on : on,
    })
  }
  const rolledInto = new Map(
    rows
      .filter(({ purchase }) => purchase.rolledFromPurchaseId)
      .map(({ purchase }) => [purchase.rolledFromPurchaseId, purchase.id]),
  )

  const lines = rows.map(({ purchase, offering }) => {
    const value = isHolding(purchase.state)
      ? // Interest stops at the maturity (or early repayment) date, however late today is.
        valueHolding(purchase, offering, input)
      : null
    const payment = paid.get(purchase.id)
    return [
      purchase.id,
      businessDateOf(purchase.createdAt, input.timeZone),
      offering.name,
      purchase.state,
      formatDecimalAmount(purchase.amountCents),
      // Basis points are hundredths of a percent: 800 reads 8.00.
      formatDecimalAmount(purchase.rateBps),
      purchase.settledOn,
      // An undone purchase (its debit came back, cancelled, failed) matures on no date.
      isHolding(purchase.state) ? purchase.maturityDate : null,
      value ? formatDecimalAmount(value.accruedInterestCents) : null,
      value ? formatDecimalAmount(value.interestAtMaturityCents) : null,
      payment ? formatDecimalAmount(payment.cents) : null,
      payment?.on ?? null,
      rolledInto.get(purchase.id) ?? null,
      purchase.failureReason ?? repaidEarlyNote(earlyRepaymentReasonOf(purchase)),
    ]
  })

  return `${[header, ...lines].map((cells) => cells.map(toCsvCell).join(',')).join('\r\n')}\r\n`
}
