import { describe, expect, test } from 'bun:test'
import { describeApprovalPayload } from '../../web/src/lib/approval-words.ts'

describe('a rate change request in words', () => {
  test('says the rate moves from the old to the new one, for new purchases', () => {
    expect(
      describeApprovalPayload('offering.rate', JSON.stringify({ rateBps: 500, from: 550 })),
    ).toBe('Rate for new purchases: 5.50% → 5.00%')
    expect(describeApprovalPayload('offering.rate', JSON.stringify({ rateBps: 500 }))).toBe(
      'Rate for new purchases: 5.00%',
    )
  })
})
