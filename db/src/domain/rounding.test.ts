import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { roundHalfEven } from './rounding.ts'

describe('roundHalfEven', () => {
  test('rounds 3748.5 cents half-even to 3748 (E7)', () => {
    expect(roundHalfEven(7497n, 2n)).toBe(3748n)
  })

  test('rounds ties to the even neighbour and everything else to the nearest', () => {
    expect(roundHalfEven(7499n, 2n)).toBe(3750n)
    expect(roundHalfEven(1n, 2n)).toBe(0n)
    expect(roundHalfEven(39671232n, 10000n)).toBe(3967n)
    expect(roundHalfEven(40222222n, 10000n)).toBe(4022n)
    expect(roundHalfEven(-5n, 2n)).toBe(-2n)
    expect(roundHalfEven(-7n, 2n)).toBe(-4n)
    expect(roundHalfEven(5n, -2n)).toBe(-2n)
    expect(roundHalfEven(-26n, 10n)).toBe(-3n)
  })

  test('refuses a zero denominator', () => {
    expect(() => roundHalfEven(1n, 0n)).toThrow(RangeError)
  })

  test('matches a reference built on decimal strings for random fractions', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.boolean(),
        (numerator, denominator, flipSign) => {
          const bottom = flipSign ? -denominator : denominator
          expect(roundHalfEven(numerator, bottom)).toBe(
            referenceRoundHalfEven(flipSign ? -numerator : numerator, denominator),
          )
        },
      ),
    )
  })

  test('rounds exact ties half-even for random integers', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), (whole) => {
        const rounded = roundHalfEven(2n * whole + 1n, 2n)
        expect(rounded % 2n).toBe(0n)
        expect(rounded === whole || rounded === whole + 1n).toBe(true)
      }),
    )
  })
})

/**
 * An independent reference: the magnitude's quotient and remainder, then the classic rule on
 * the remainder's double, applied to a positive denominator and mirrored for negatives.
 */
function referenceRoundHalfEven(numerator: bigint, denominator: bigint): bigint {
  const magnitude = numerator < 0n ? -numerator : numerator
  const quotient = magnitude / denominator
  const remainder = magnitude - quotient * denominator
  const comparison = 2n * remainder - denominator
  const roundedUp = comparison > 0n || (comparison === 0n && quotient % 2n === 1n)
  const rounded = roundedUp ? quotient + 1n : quotient

  return numerator < 0n ? -rounded : rounded
}
