import { businessDateOf, type CalendarDate, type LedgerReader } from '@tenor/db/domain'
import { offerings, purchases } from '@tenor/db/schema'
import { asc, eq } from 'drizzle-orm'
import { formatDecimalAmount } from './funding.ts'
import { valueHolding } from './portfolio.ts'
import { isHolding } from './views.ts'

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

/** Every purchase of the caller as a CSV statement, oldest first, valued as of `today`. */
export async function writeStatement(
  db: LedgerReader,
  input: { userId: string; today: CalendarDate; timeZone: string },
): Promise<string> {
  const rows = await db
    .select({ purchase: purchases, offering: offerings })
    .from(purchases)
    .innerJoin(offerings, eq(offerings.id, purchases.offeringId))
    .where(eq(purchases.userId, input.userId))
    .orderBy(asc(purchases.createdAt), asc(purchases.id))

  const lines = rows.map(({ purchase, offering }) => {
    const held = isHolding(purchase.state) && purchase.state !== 'paid'
    const value = held ? valueHolding(purchase, offering, input.today) : null
    return [
      purchase.id,
      businessDateOf(purchase.createdAt, input.timeZone),
      offering.name,
      purchase.state,
      formatDecimalAmount(purchase.amountCents),
      // Basis points are hundredths of a percent: 800 reads 8.00.
      formatDecimalAmount(purchase.rateBps),
      purchase.settledOn,
      purchase.maturityDate,
      value ? formatDecimalAmount(value.accruedInterestCents) : null,
      value ? formatDecimalAmount(value.interestAtMaturityCents) : null,
      purchase.failureReason,
    ]
  })

  return `${[header, ...lines].map((cells) => cells.map(toCsvCell).join(',')).join('\r\n')}\r\n`
}
