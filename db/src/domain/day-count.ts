import { type CalendarDate, daysBetween, toDateParts } from './dates.ts'
import type { Ratio } from './rounding.ts'
import type { DayCount } from './terms.ts'

/** A convention's name and what it means, in words an investor can follow. */
export interface DayCountDescription {
  name: string
  description: string
}

const descriptions: Record<DayCount, DayCountDescription> = {
  act_365f: {
    name: 'Actual/365 Fixed',
    description:
      'Interest for each actual day, as if every year had 365 days. A term with a February 29 earns one extra day.',
  },
  act_360: {
    name: 'Actual/360',
    description:
      'Interest for each actual day, as if every year had 360 days, so a full year earns 365/360 of the stated rate: a 7.00% rate earns about 7.10% over a year.',
  },
  thirty_360: {
    name: '30/360 (Bond Basis)',
    description:
      'Every month counts as 30 days and every year as 360, so each full month earns exactly one twelfth of a year of interest.',
  },
}

/** Describes a day-count convention in plain words for investors. */
export function describeDayCount(dayCount: DayCount): DayCountDescription {
  return descriptions[dayCount]
}

/** Finds the number of days a convention treats as one year: 365 or 360. */
export function getDaysInYear(dayCount: DayCount): 365 | 360 {
  return dayCount === 'act_365f' ? 365 : 360
}

/** Counts the days between two dates that earn interest under a convention (end-exclusive). */
export function countAccrualDays(
  dayCount: DayCount,
  start: CalendarDate,
  end: CalendarDate,
): number {
  return dayCount === 'thirty_360' ? countThirty360Days(start, end) : daysBetween(start, end)
}

/**
 * Counts days by 30/360 Bond Basis: 360·ΔY + 30·ΔM + (D2 − D1), where a D1 of 31 becomes 30,
 * and a D2 of 31 becomes 30 when D1 is 30 or 31. End-of-February dates are left as they are
 * (only the US/NASD variant moves them to 30).
 */
export function countThirty360Days(start: CalendarDate, end: CalendarDate): number {
  const from = toDateParts(start)
  const to = toDateParts(end)
  const fromDay = from.day === 31 ? 30 : from.day
  const toDay = to.day === 31 && fromDay === 30 ? 30 : to.day

  return 360 * (to.year - from.year) + 30 * (to.month - from.month) + (toDay - fromDay)
}

/**
 * Turns the stretch from `start` to `end` into an exact fraction of a year: accrual days over
 * 365 or 360, unreduced, so {181, 365} reads as "181 days of a 365-day year".
 */
export function calculateYearFraction(
  dayCount: DayCount,
  start: CalendarDate,
  end: CalendarDate,
): Ratio {
  return {
    numerator: BigInt(countAccrualDays(dayCount, start, end)),
    denominator: BigInt(getDaysInYear(dayCount)),
  }
}
