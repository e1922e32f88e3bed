import { type CalendarDate, calculateMaturityDate, daysBetween } from './dates.ts'
import { calculateInterest } from './interest.ts'
import { AmountOutOfRangeError } from './limits.ts'
import { assertCents, type OfferingTerms } from './terms.ts'

/** The principal the shown APY is worked out on ($10,000), so it never varies with an amount. */
export const APY_REFERENCE_PRINCIPAL_CENTS = 1_000_000

/** An annual percentage yield as whole basis points and as the text investors see. */
export interface Apy {
  apyBps: number
  apyDisplay: string
}

/** Interest earned on a principal over a term of actual days, as Reg DD's formula takes them. */
export interface ApyInput {
  principalCents: number
  interestCents: number
  days: number
}

/**
 * Calculates the APY shown for an offering's notes starting on a date: the Reg DD figure for
 * the reference principal held over the note's actual term, principal and interest paid at
 * maturity.
 */
export function calculateApy({
  terms,
  startDate,
}: {
  terms: OfferingTerms
  startDate: CalendarDate
}): Apy {
  // The exact comparisons cost up to a millisecond and every listing asks for each offering's
  // APY, while the answer changes only with the terms and the day: remember recent answers.
  const key = `${terms.rateBps}|${terms.rateType}|${terms.compounding ?? ''}|${terms.dayCount}|${terms.termMonths}|${startDate}`
  const cached = apyCache.get(key)
  if (cached) return cached
  const apy = computeApy(terms, startDate)
  if (apyCache.size >= apyCacheLimit) apyCache.clear()
  apyCache.set(key, apy)
  return apy
}

const apyCacheLimit = 1000
const apyCache = new Map<string, Apy>()

function computeApy(terms: OfferingTerms, startDate: CalendarDate): Apy {
  const maturityDate = calculateMaturityDate(startDate, terms.termMonths)
  const principalCents = APY_REFERENCE_PRINCIPAL_CENTS
  const interestCents = calculateInterest({ ...terms, principalCents, startDate, maturityDate })
  const apyBps = calculateApyBps({
    principalCents,
    interestCents,
    days: daysBetween(startDate, maturityDate),
  })

  return { apyBps, apyDisplay: formatBasisPoints(apyBps) }
}

/**
 * Calculates APY = 100 × [(1 + interest / principal) ^ (365 / days) − 1] (Reg DD, 12 CFR 1030
 * Appendix A) in basis points, rounded half-even, exactly. With x = 1 + interest / principal
 * and 365 / days = a / b in lowest terms, the yield y = x^(a/b) is usually irrational, but
 * whether y lies above a rounding boundary c is exact: y ≥ c exactly when x^a ≥ c^b, which is
 * integer arithmetic. A float only guesses where to start; the exact comparisons decide.
 */
export function calculateApyBps({ principalCents, interestCents, days }: ApyInput): number {
  assertCents(principalCents, 'A principal')
  assertCents(interestCents, 'Interest')
  if (principalCents === 0) throw new RangeError('An APY needs a principal above zero')
  if (!Number.isSafeInteger(days) || days < 1) {
    throw new RangeError(`An APY needs a term of at least one day: ${days}`)
  }

  const grown = BigInt(principalCents) + BigInt(interestCents)
  const growthGcd = gcd(grown, BigInt(principalCents))
  const xNumerator = grown / growthGcd
  const xDenominator = BigInt(principalCents) / growthGcd
  const exponentGcd = gcd(365n, BigInt(days))
  const a = 365n / exponentGcd
  const b = BigInt(days) / exponentGcd

  // Boundary j lies halfway between j and j + 1 basis points: c_j = (20 001 + 2j) / 20 000.
  // Then y ≤ c_j exactly when xNumerator^a · 20 000^b ≤ (20 001 + 2j)^b · xDenominator^a.
  const left = xNumerator ** a * 20_000n ** b
  const xDenominatorPowA = xDenominator ** a
  const compareToBoundary = (j: number): number => {
    const right = (20_001n + 2n * BigInt(j)) ** b * xDenominatorPowA
    return left > right ? 1 : left < right ? -1 : 0
  }

  // The answer is the first j with y ≤ c_j; a float estimate of it only seeds the search.
  const estimate = Math.round(10_000 * (Number(grown) / principalCents) ** (Number(a) / Number(b)))
  const bps = findFirstPassing(estimate - 10_000, (j) => compareToBoundary(j) <= 0)

  // Exactly on the boundary, the tie goes to the even neighbour.
  if (compareToBoundary(bps) === 0 && bps % 2 !== 0) return bps + 1

  return bps
}

/**
 * Finds the smallest j ≥ 0 that passes a test which, once passed, passes for every larger j.
 * Checks the seed and its neighbour first (usually the answer), then doubles and bisects.
 */
function findFirstPassing(seed: number, passes: (j: number) => boolean): number {
  // Every APY is at least zero, so −1 never passes (y ≥ 1 lies above c_(−1)).
  let failing = -1
  let passing = Number.isSafeInteger(seed) ? Math.max(0, seed) : 0
  while (!passes(passing)) {
    failing = passing
    passing = passing * 2 + 1
    if (!Number.isSafeInteger(passing))
      throw new AmountOutOfRangeError('The APY is too large to state')
  }
  if (passing - 1 > failing && !passes(passing - 1)) failing = passing - 1

  while (passing - failing > 1) {
    const middle = Math.floor((failing + passing) / 2)
    if (passes(middle)) passing = middle
    else failing = middle
  }

  return passing
}

/** Formats basis points (a rate or an APY) as a percentage with two decimals: 816 → "8.16%". */
export function formatBasisPoints(bps: number): string {
  if (!Number.isSafeInteger(bps) || bps < 0) {
    throw new RangeError(`A rate must be whole, non-negative basis points: ${bps}`)
  }

  const whole = Math.floor(bps / 100)
  const hundredths = String(bps % 100).padStart(2, '0')

  return `${whole}.${hundredths}%`
}

function gcd(a: bigint, b: bigint): bigint {
  let [x, y] = [a, b]
  while (y !== 0n) [x, y] = [y, x % y]

  return x
}
