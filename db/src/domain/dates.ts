/**
 * Calendar dates for money: a day on the calendar with no time of day and no zone, written
 * `YYYY-MM-DD`. Arithmetic counts days from a fixed epoch with integer maths, never through
 * hours, so a daylight-saving change can neither skip nor repeat a day.
 */

declare const calendarDateBrand: unique symbol

/** An ISO `YYYY-MM-DD` date string that has been checked to name a real day (years 0001–9999). */
export type CalendarDate = string & { readonly [calendarDateBrand]: true }

/** The parts of a calendar date; months and days count from 1. */
export interface DateParts {
  year: number
  month: number
  day: number
}

const isoDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/

/** Tells whether a year has a February 29 in the Gregorian calendar. */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

/** Counts the days in a month of a year (February follows the leap-year rule). */
export function countDaysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28

  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

/** Tells whether a value is a valid calendar date string. */
export function isCalendarDate(value: unknown): value is CalendarDate {
  return typeof value === 'string' && parseCalendarDate(value) !== null
}

/** Reads a `YYYY-MM-DD` string, answering null when it is malformed or names no real day. */
export function parseCalendarDate(text: string): CalendarDate | null {
  const match = isoDatePattern.exec(text)
  if (!match) return null

  const year = Number(match[1])
  const month = Number(match[2])
  const day = Number(match[3])
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > countDaysInMonth(year, month)) {
    return null
  }

  return text as CalendarDate
}

/** Reads a `YYYY-MM-DD` string that must be valid, throwing a RangeError otherwise. */
export function toCalendarDate(text: string): CalendarDate {
  const date = parseCalendarDate(text)
  if (date === null) throw new RangeError(`Not a calendar date: ${JSON.stringify(text)}`)

  return date
}

/** Writes date parts as a calendar date, throwing a RangeError if they name no real day. */
export function formatCalendarDate({ year, month, day }: DateParts): CalendarDate {
  const text = `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`
  const date = Number.isInteger(year) && year <= 9999 ? parseCalendarDate(text) : null
  if (date === null) throw new RangeError(`Not a calendar date: ${year}-${month}-${day}`)

  return date
}

/** Splits a calendar date into its year, month and day. */
export function toDateParts(date: CalendarDate): DateParts {
  return {
    year: Number(date.slice(0, 4)),
    month: Number(date.slice(5, 7)),
    day: Number(date.slice(8, 10)),
  }
}

/** Orders two dates: negative when `a` is earlier, zero when equal, positive when later. */
export function compareDates(a: CalendarDate, b: CalendarDate): number {
  // Fixed-width ISO strings sort in calendar order.
  return a < b ? -1 : a > b ? 1 : 0
}

/** Picks the earlier of two dates. */
export function minDate(a: CalendarDate, b: CalendarDate): CalendarDate {
  return compareDates(a, b) <= 0 ? a : b
}

/** Moves a date by whole days (negative moves back). */
export function addDays(date: CalendarDate, days: number): CalendarDate {
  if (!Number.isSafeInteger(days)) throw new RangeError(`Days must be a whole number: ${days}`)

  return fromEpochDay(toEpochDay(date) + days)
}

/**
 * Moves a date by whole months, clamping to the last day of the target month when the day does
 * not exist there (Aug 31 + 6 months = Feb 28, or Feb 29 in a leap year). Only clamps: Feb 28
 * + 1 month is Mar 28, not Mar 31.
 */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  if (!Number.isSafeInteger(months)) {
    throw new RangeError(`Months must be a whole number: ${months}`)
  }

  const { year, month, day } = toDateParts(date)
  const monthIndex = year * 12 + (month - 1) + months
  const targetYear = Math.floor(monthIndex / 12)
  const targetMonth = monthIndex - targetYear * 12 + 1
  const targetDay = Math.min(day, countDaysInMonth(targetYear, targetMonth))

  return formatCalendarDate({ year: targetYear, month: targetMonth, day: targetDay })
}

/**
 * Counts actual days from `start` to `end`, end-exclusive (Jan 1 → Jan 2 is 1 day); negative
 * when `end` is before `start`. Counted by calendar date, so DST changes do not matter.
 */
export function daysBetween(start: CalendarDate, end: CalendarDate): number {
  return toEpochDay(end) - toEpochDay(start)
}

/**
 * Finds a note's maturity date: the start date plus the term in months, clamped to month end.
 * Always counted from the start date, so a long term never drifts through repeated clamping.
 */
export function calculateMaturityDate(startDate: CalendarDate, termMonths: number): CalendarDate {
  if (!Number.isSafeInteger(termMonths) || termMonths < 1) {
    throw new RangeError(`A term must be a positive whole number of months: ${termMonths}`)
  }

  return addMonths(startDate, termMonths)
}

/**
 * Counts days since 1970-01-01 with integer arithmetic on the proleptic Gregorian calendar.
 * Follows H. Hinnant's days_from_civil: eras of 400 years are exactly 146097 days long, and
 * starting the year in March puts the leap day last, so month lengths follow a fixed pattern.
 */
function toEpochDay(date: CalendarDate): number {
  const { year, month, day } = toDateParts(date)
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yearOfEra = y - era * 400
  const monthFromMarch = (month + 9) % 12
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear

  return era * 146097 + dayOfEra - 719468
}

/** Turns a day count since 1970-01-01 back into a calendar date (inverse of toEpochDay). */
function fromEpochDay(epochDay: number): CalendarDate {
  const shifted = epochDay + 719468
  const era = Math.floor(shifted / 146097)
  const dayOfEra = shifted - era * 146097
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36524) -
      Math.floor(dayOfEra / 146096)) /
      365,
  )
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100))
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153)
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)

  return formatCalendarDate({ year, month, day })
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0')
}

const monthNames = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

/**
 * A calendar date in words, as the site and the emails write it: "2026-09-02" reads
 * "September 2, 2026". Text that names no real day (a word like "today") is left as it came.
 */
export function describeCalendarDate(text: string): string {
  const date = parseCalendarDate(text)
  if (!date) return text
  const { year, month, day } = toDateParts(date)
  return `${monthNames[month - 1]} ${day}, ${year}`
}
