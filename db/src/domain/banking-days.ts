import {
  addDays,
  type CalendarDate,
  compareDates,
  countDaysInMonth,
  formatCalendarDate,
  toDateParts,
} from './dates.ts'

/**
 * Banking days: the days ACH settles on, which are the Federal Reserve's business days. Weekends
 * and the Fed's holidays are not. A fixed-date holiday on a Sunday is kept the Monday after; one
 * on a Saturday is not moved (the Fed opens the Friday before), so it simply falls on a weekend.
 * Juneteenth counts from 2022, the first year the Fed closed for it.
 */

/** 0 for Sunday through 6 for Saturday, from the date alone (no zone, no time of day). */
function dayOfWeek(date: CalendarDate): number {
  const { year, month, day } = toDateParts(date)
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay()
}

/** The `nth` (1-based) given weekday of a month, or its last when `nth` is -1. */
function nthWeekday(year: number, month: number, weekday: number, nth: number): CalendarDate {
  if (nth === -1) {
    const last = formatCalendarDate({ year, month, day: countDaysInMonth(year, month) })
    return addDays(last, -((dayOfWeek(last) - weekday + 7) % 7))
  }
  const first = formatCalendarDate({ year, month, day: 1 })
  return addDays(first, ((weekday - dayOfWeek(first) + 7) % 7) + (nth - 1) * 7)
}

const monday = 1
const thursday = 4

/** The days in a year the Federal Reserve is closed on a weekday, as it observes its holidays. */
function fedHolidays(year: number): Set<CalendarDate> {
  const fixed: [number, number][] = [
    [1, 1], // New Year's Day
    ...(year >= 2022 ? ([[6, 19]] as [number, number][]) : []), // Juneteenth
    [7, 4], // Independence Day
    [11, 11], // Veterans Day
    [12, 25], // Christmas Day
  ]
  const holidays = new Set<CalendarDate>([
    nthWeekday(year, 1, monday, 3), // Birthday of Martin Luther King, Jr.
    nthWeekday(year, 2, monday, 3), // Washington's Birthday
    nthWeekday(year, 5, monday, -1), // Memorial Day
    nthWeekday(year, 9, monday, 1), // Labor Day
    nthWeekday(year, 10, monday, 2), // Columbus Day
    nthWeekday(year, 11, thursday, 4), // Thanksgiving Day
  ])
  for (const [month, day] of fixed) {
    const date = formatCalendarDate({ year, month, day })
    const weekday = dayOfWeek(date)
    if (weekday === 0) holidays.add(addDays(date, 1))
    else if (weekday !== 6) holidays.add(date)
  }
  return holidays
}

const holidaysByYear = new Map<number, Set<CalendarDate>>()

/** Whether ACH settles on a date: a weekday that is not a Federal Reserve holiday. */
export function isBankingDay(date: CalendarDate): boolean {
  const weekday = dayOfWeek(date)
  if (weekday === 0 || weekday === 6) return false
  const year = toDateParts(date).year
  let holidays = holidaysByYear.get(year)
  if (!holidays) {
    holidays = fedHolidays(year)
    holidaysByYear.set(year, holidays)
  }
  return !holidays.has(date)
}

/** The first banking day on or after a date. */
export function bankingDayOnOrAfter(date: CalendarDate): CalendarDate {
  let day = date
  while (!isBankingDay(day)) day = addDays(day, 1)
  return day
}

/** The first banking day after a date. */
export function nextBankingDay(date: CalendarDate): CalendarDate {
  return bankingDayOnOrAfter(addDays(date, 1))
}

/**
 * When a standard ACH debit sent on `sentOn` should settle, as seen on `today`: the next
 * banking day after it was sent (Plaid's `expected_settlement_date` for standard ACH), or, once
 * that has passed with the debit still unsettled, the first banking day from today. An estimate
 * for what to show before settlement; the settlement itself decides.
 */
export function expectedSettlementDate(sentOn: CalendarDate, today: CalendarDate): CalendarDate {
  const expected = nextBankingDay(sentOn)
  const soonest = bankingDayOnOrAfter(today)
  return compareDates(expected, soonest) >= 0 ? expected : soonest
}
