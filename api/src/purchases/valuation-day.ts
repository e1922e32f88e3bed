import {
  businessDateOf,
  type CalendarDate,
  expectedSettlementDate,
  toCalendarDate,
} from '@tenor/db/domain'

/** The day purchases are shown as of, and the zone that dates their debits. */
export interface ValuationDay {
  today: CalendarDate
  timeZone: string
}

/**
 * The day a note's interest starts: its debit's settlement or, until then, the banking day the
 * debit should settle on (`expectedSettlementDate`): an estimate, which the pages say it is.
 */
export function startDateOf(
  purchase: { settledOn: string | null; createdAt: Date },
  day: ValuationDay,
): CalendarDate {
  if (purchase.settledOn) return toCalendarDate(purchase.settledOn)
  return expectedSettlementDate(businessDateOf(purchase.createdAt, day.timeZone), day.today)
}
