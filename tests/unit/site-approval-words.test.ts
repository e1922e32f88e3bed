import { describe, expect, test } from 'bun:test'
import {
  describeApprovalPayload,
  describeApprovalResult,
} from '../../web/src/lib/approval-words.ts'

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

describe('a refund request in words', () => {
  test('names the amount, whose note it is, and why', () => {
    const payload = {
      reason: 'Bought twice by mistake.',
      amountCents: 150_000,
      investorEmail: 'ada@example.com',
      offeringName: 'Series A 6-Month Note',
    }
    expect(describeApprovalPayload('purchase.refund', JSON.stringify(payload))).toBe(
      "$1,500.00 of ada@example.com's Series A 6-Month Note. Reason: Bought twice by mistake.",
    )
    const older = { reason: 'Bought twice by mistake.', amountCents: 150_000 }
    expect(describeApprovalPayload('purchase.refund', JSON.stringify(older))).toBe(
      '$1,500.00. Reason: Bought twice by mistake.',
    )
  })
})

describe('an approval outcome in words', () => {
  test('a turn-down reads with its reason, in a sentence', () => {
    expect(describeApprovalResult('rejected: Too high for now.')).toBe(
      'Turned down: Too high for now.',
    )
    expect(describeApprovalResult('rejected')).toBe('Turned down')
    expect(describeApprovalResult('rate changed to 6.50% for new purchases')).toBe(
      'Rate changed to 6.50% for new purchases',
    )
    expect(describeApprovalResult(null)).toBe('—')
  })
})

describe('an approval result with a date', () => {
  test('writes the date as the console does elsewhere', () => {
    expect(
      describeApprovalResult(
        'note set to repay on 2026-12-12, once its debit can no longer come back, with interest to that day',
      ),
    ).toBe(
      'Note set to repay on December 12, 2026, once its debit can no longer come back, with interest to that day',
    )
  })
})
