import { describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import {
  checkPurchaseAmount,
  largestPurchaseWithin,
} from '../../api/src/routes/offerings/offerings.amounts.ts'

// $500 minimum, $100 steps, $25,000 maximum: 50,000 + n × 10,000 cents up to 2,500,000.
const limits = { minPurchaseCents: 50_000, maxPurchaseCents: 2_500_000, incrementCents: 10_000 }

describe('the largest note an offering sells within an amount', () => {
  test('rounds down to the steps, caps at the maximum, and is none below the minimum', () => {
    expect(largestPurchaseWithin(limits, 104_033)).toBe(100_000)
    expect(largestPurchaseWithin(limits, 50_000)).toBe(50_000)
    expect(largestPurchaseWithin(limits, 49_999)).toBeNull()
    expect(largestPurchaseWithin(limits, 2_500_000)).toBe(2_500_000)
    expect(largestPurchaseWithin(limits, 2_500_001)).toBe(2_500_000)
    expect(largestPurchaseWithin(limits, 9_000_000)).toBe(2_500_000)
  })

  test('a maximum off the step grid is not exceeded: the last step below it is taken', () => {
    const offGrid = { ...limits, maxPurchaseCents: 2_505_000 }
    expect(largestPurchaseWithin(offGrid, 9_000_000)).toBe(2_500_000)
  })

  test('is always a purchase the offering accepts, and never more than the amount', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 1_000 }),
        fc.integer({ min: 0, max: 100_000_000 }),
        (min, step, steps, cents) => {
          const offering = {
            minPurchaseCents: min,
            incrementCents: step,
            maxPurchaseCents: min + steps * step,
          }
          const largest = largestPurchaseWithin(offering, cents)
          if (largest === null) return cents < min
          return (
            largest <= cents &&
            checkPurchaseAmount(offering, largest) === null &&
            // One more step would be too much: for the amount or for the offering.
            (largest + step > cents || largest + step > offering.maxPurchaseCents)
          )
        },
      ),
    )
  })
})
