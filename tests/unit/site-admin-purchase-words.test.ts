import { describe, expect, test } from 'bun:test'
import { describeStateChange } from '../../web/src/lib/admin-purchase-words.ts'

const rolledOver =
  'rolled over from matured note 01a245d5-4f1e-7c2a-9b7e-1d2c3b4a5f60; no ACH moved'

describe("a purchase's state history in words", () => {
  test('a rolled-over note says so in words, not with the id in its recorded reason', () => {
    expect(describeStateChange(rolledOver)).toEqual({
      text: 'Rolled over from a matured note; no ACH debit',
      rolledOver: true,
    })
    expect(describeStateChange('transfer created').rolledOver).toBe(false)
  })

  test('an early repayment says why; other reasons read as recorded', () => {
    expect(describeStateChange('refund').text).toBe('Set to be repaid early: a refund was approved')
    expect(describeStateChange('offering_cancelled').text).toBe(
      'Set to be repaid early: its offering was cancelled',
    )
    expect(describeStateChange('transfer posted')).toEqual({
      text: 'transfer posted',
      rolledOver: false,
    })
  })
})
