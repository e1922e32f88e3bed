import { type CalendarDate, formatCalendarDate } from './dates.ts'

/**
 * The zone whose calendar decides which day an instant belongs to, unless configured otherwise
 * (the env setting BUSINESS_TIME_ZONE). US ACH and bank cut-offs run on Eastern time, so a
 * purchase at 23:30 in New York belongs to that New York day, not to the next UTC day.
 */
export const DEFAULT_BUSINESS_TIME_ZONE = 'America/New_York'

// Building a formatter loads zone data, so keep one per zone.
const formatters = new Map<string, Intl.DateTimeFormat>()

/** Finds the calendar date an instant falls on in a named IANA time zone. */
export function businessDateOf(
  instant: Date,
  timeZone: string = DEFAULT_BUSINESS_TIME_ZONE,
): CalendarDate {
  if (Number.isNaN(instant.getTime())) throw new RangeError('Cannot date an invalid instant')

  // Zone offsets are whole minutes, so every instant in one minute falls on the same date; busy
  // request paths ask many times a minute.
  const minute = Math.floor(instant.getTime() / 60_000)
  const cacheKey = `${timeZone}|${minute}`
  if (lastDate?.key === cacheKey) return lastDate.date

  const parts = getFormatter(timeZone).formatToParts(instant)
  const partOf = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((part) => part.type === type)?.value)

  const date = formatCalendarDate({
    year: partOf('year'),
    month: partOf('month'),
    day: partOf('day'),
  })
  lastDate = { key: cacheKey, date }
  return date
}

let lastDate: { key: string; date: CalendarDate } | undefined

function getFormatter(timeZone: string): Intl.DateTimeFormat {
  const cached = formatters.get(timeZone)
  if (cached) return cached

  // An unknown zone throws a RangeError here, which is what a caller should see.
  const formatter = new Intl.DateTimeFormat('en-US', {
    timeZone,
    calendar: 'gregory',
    numberingSystem: 'latn',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
  })
  formatters.set(timeZone, formatter)

  return formatter
}

/**
 * The first instant whose business date is `date`: midnight there, found by a search over the
 * hours around UTC midnight, so a daylight-saving change on that day cannot shift it.
 */
export function startOfBusinessDate(
  date: CalendarDate,
  timeZone: string = DEFAULT_BUSINESS_TIME_ZONE,
): Date {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`)
  const minute = 60_000
  // Every zone's midnight lies within 14 hours of UTC's.
  let before = utcMidnight - 15 * 60 * minute
  let after = utcMidnight + 15 * 60 * minute
  while (after - before > minute) {
    const middle = before + Math.floor((after - before) / 2 / minute) * minute
    if (businessDateOf(new Date(middle), timeZone) < date) before = middle
    else after = middle
  }
  return new Date(after)
}
