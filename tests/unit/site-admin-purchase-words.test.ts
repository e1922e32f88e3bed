import { describe, expect, test } from 'bun:test'
import {
  describeStateChange,
  findRolledFromPurchase,
} from '../../web/src/lib/admin-purchase-words.ts'

const rolledOver =
  'rolled over from matured note 01a245d5-4f1e-7c2a-9b7e-1d2c3b4a5f60; no ACH moved'

describe("a purchase's state history in words", () => {
  test('a rolled-over note names the matured note it came from, for a link, not its id', () => {
    expect(describeStateChange(rolledOver)).toEqual({
      text: 'Rolled over from a matured note; no ACH debit',
      rolledFrom: '01a245d5-4f1e-7c2a-9b7e-1d2c3b4a5f60',
    })
    expect(findRolledFromPurchase([{ reason: rolledOver }, { reason: 'payout settled' }])).toBe(
      '01a245d5-4f1e-7c2a-9b7e-1d2c3b4a5f60',
    )
  })

  test('a note bought by ACH came from no other note', () => {
    expect(
      findRolledFromPurchase([{ reason: 'transfer created' }, { reason: 'transfer settled' }]),
    ).toBeNull()
  })

  test('an early repayment says why; other reasons read as recorded', () => {
    expect(describeStateChange('refund').text).toBe('Set to be repaid early: a refund was approved')
    expect(describeStateChange('offering_cancelled').text).toBe(
      'Set to be repaid early: its offering was cancelled',
    )
    expect(describeStateChange('transfer posted')).toEqual({
      text: 'transfer posted',
      rolledFrom: null,
    })
  })
})
