import { describe, expect, test } from 'bun:test'
import { describePayoutReturn } from '../maturities/hold.ts'
import { describeReturn } from './reasons.ts'

describe('returns in words an investor reads', () => {
  test("a purchase's return says what happened first, then the bank's code", () => {
    expect(describeReturn('R02')).toBe(
      'Your bank says this account is closed. Link another account to buy again. Bank return code: R02.',
    )
    expect(describeReturn('R99')).toBe(
      'Your bank returned the payment, so the purchase was undone. Bank return code: R99.',
    )
    expect(describeReturn(null)).not.toContain('code')
  })

  test("a payout's return reads as the end of a sentence that gives its reason", () => {
    expect(describePayoutReturn('R02')).toBe(
      'your bank says this account is closed (bank return code R02).',
    )
    expect(describePayoutReturn(null)).toBe('your bank sent the payment back.')
    for (const code of ['R02', 'R03', 'R16', null]) {
      expect(describePayoutReturn(code)).not.toMatch(/ACH|\.\s*\(/)
    }
  })
})
