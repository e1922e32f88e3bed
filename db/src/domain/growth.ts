import { addMonths, type CalendarDate, compareDates } from './dates.ts'
import { countAccrualDays, getDaysInYear } from './day-count.ts'
import { multiplyRatios, type Ratio } from './rounding.ts'
import { type Compounding, type DayCount, dayCounts, type RateType } from './terms.ts'

/** The parts of an offering's terms that decide how money grows. */
export interface GrowthTerms {
  rateBps: number
  rateType: RateType
  compounding?: Compounding | null
  dayCount: DayCount
}

const monthsPerPeriod: Record<Exclude<Compounding, 'daily'>, number> = {
  annual: 12,
  semiannual: 6,
  quarterly: 3,
  monthly: 1,
}

const basisPointsPerUnit = 10_000n

/**
 * Finds, exactly, what one unit of principal grows to between `start` and `end` (1 when `end`
 * is not after `start`). Write r = rateBps / 10 000 and yf(a, b) = the day count's year
 * fraction from a to b.
 *
 * - simple: 1 + r · yf(start, end).
 * - compound, periodic (annual, semiannual, quarterly, monthly = every 12, 6, 3, 1 months):
 *   period k ends on addMonths(start, k · months), always counted from `start` so month-end
 *   clamping never drifts. Each whole period multiplies the balance by 1 + r · yf(period); a
 *   part period left before `end` multiplies it by 1 + r · yf(period start, end), which is
 *   simple interest on the compounded balance. This is how a deposit accrues day by day and
 *   credits interest at each period end, so the balance never jumps at a period boundary.
 *   With 30/360 dates on the same day of the month, each period is exactly r · months / 12.
 * - compound, daily: each accrual day compounds: (1 + r / daysInYear) ^ accrualDays.
 */
export function calculateGrowthFactor(
  terms: GrowthTerms,
  start: CalendarDate,
  end: CalendarDate,
): Ratio {
  const period = resolveCompoundingPeriod(terms)

  if (compareDates(end, start) <= 0) return { numerator: 1n, denominator: 1n }
  if (period === 'none') return growSimply(terms, start, end)
  if (period === 'daily') return growDaily(terms, start, end)

  return growPeriodically(terms, period, start, end)
}

/** Checks the terms, answering months per compounding period, 'daily', or 'none' if simple. */
function resolveCompoundingPeriod(terms: GrowthTerms): number | 'daily' | 'none' {
  // Terms may come straight from stored rows, so check what the types cannot.
  if (!dayCounts.includes(terms.dayCount)) {
    throw new RangeError(`Unknown day count: ${terms.dayCount}`)
  }
  if (terms.rateType === 'simple') return 'none'
  if (terms.rateType !== 'compound') throw new RangeError(`Unknown rate type: ${terms.rateType}`)

  if (terms.compounding === 'daily') return 'daily'
  const months = terms.compounding ? monthsPerPeriod[terms.compounding] : undefined
  if (months === undefined) {
    throw new RangeError(`A compound rate needs a compounding period: ${terms.compounding}`)
  }

  return months
}

function growSimply(terms: GrowthTerms, from: CalendarDate, to: CalendarDate): Ratio {
  const denominator = BigInt(getDaysInYear(terms.dayCount)) * basisPointsPerUnit
  const days = BigInt(countAccrualDays(terms.dayCount, from, to))

  return { numerator: denominator + BigInt(terms.rateBps) * days, denominator }
}

function growDaily(terms: GrowthTerms, start: CalendarDate, end: CalendarDate): Ratio {
  const denominator = BigInt(getDaysInYear(terms.dayCount)) * basisPointsPerUnit
  const days = BigInt(countAccrualDays(terms.dayCount, start, end))

  return {
    numerator: (denominator + BigInt(terms.rateBps)) ** days,
    denominator: denominator ** days,
  }
}

function growPeriodically(
  terms: GrowthTerms,
  months: number,
  start: CalendarDate,
  end: CalendarDate,
): Ratio {
  const factors: Ratio[] = []
  let periodStart = start

  for (let period = 1; compareDates(periodStart, end) < 0; period++) {
    const scheduledEnd = addMonths(start, period * months)
    const periodEnd = compareDates(scheduledEnd, end) <= 0 ? scheduledEnd : end
    factors.push(growSimply(terms, periodStart, periodEnd))
    periodStart = periodEnd
  }

  return multiplyRatios(...factors)
}
