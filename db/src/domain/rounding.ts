/** An exact fraction of two integers. Kept unreduced unless a function says otherwise. */
export interface Ratio {
  numerator: bigint
  denominator: bigint
}

/**
 * Rounds numerator/denominator to the nearest integer, ties to the even neighbour (banker's
 * rounding: 3748.5 → 3748, 3749.5 → 3750). Half-even is the one rounding mode of this domain
 * because, unlike half-up, it does not drift upward over many amounts (Fineract's default too).
 */
export function roundHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError('Cannot round a fraction with a zero denominator')

  const sign = denominator < 0n ? -1n : 1n
  const top = numerator * sign
  const bottom = denominator * sign
  // BigInt division truncates toward zero; step to the floor so the remainder is never negative.
  const truncated = top / bottom
  const floor = top % bottom < 0n ? truncated - 1n : truncated
  const twiceRemainder = 2n * (top - floor * bottom)

  if (twiceRemainder > bottom) return floor + 1n
  if (twiceRemainder === bottom && floor % 2n !== 0n) return floor + 1n

  return floor
}

/** Multiplies exact fractions without reducing them. */
export function multiplyRatios(...factors: Ratio[]): Ratio {
  return factors.reduce(
    (product, factor) => ({
      numerator: product.numerator * factor.numerator,
      denominator: product.denominator * factor.denominator,
    }),
    { numerator: 1n, denominator: 1n },
  )
}
