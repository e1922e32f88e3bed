import { describe, expect, test } from 'bun:test'
import {
  describeAuditAction,
  describeAuditTarget,
  describeSnapshot,
  splitEmail,
} from '../../web/src/lib/audit-words.ts'

describe('audit trail words', () => {
  test('money and rates in snapshots read as amounts, names as words', () => {
    expect(
      describeSnapshot(
        JSON.stringify({ capacityCents: 10_000_000, rateBps: 575, maturityDate: '2027-03-02' }),
      ),
    ).toEqual(['capacity: $100,000.00', 'rate: 5.75%', 'maturity date: March 2, 2027'])
  })

  test('a rate change request reads its old rate as a rate too, before the new one', () => {
    expect(describeSnapshot(JSON.stringify({ rateBps: 650, from: 610 }))).toEqual([
      'from: 6.10%',
      'rate: 6.50%',
    ])
    expect(describeSnapshot(JSON.stringify({ from: 'draft' }))).toEqual(['from: draft'])
  })

  test('codes read as the console names them, and empty fields as none', () => {
    const offering = {
      rateType: 'compound',
      compounding: 'monthly',
      dayCount: 'act_365f',
      defaultMaturityInstruction: 'payout',
    }
    expect(describeSnapshot(JSON.stringify(offering))).toEqual([
      'rate type: Compound interest',
      'compounding: Every month',
      'day count: Actual/365 (fixed)',
      'default maturity instruction: paid out',
    ])
    expect(
      describeSnapshot(
        JSON.stringify({ kycStatus: 'approved', reason: null, compounding: null, locked: false }),
      ),
    ).toEqual(['kyc status: approved', 'reason: none', 'compounding: none', 'locked: no'])
    expect(describeSnapshot(JSON.stringify({ dayCount: 'act_364' }))).toEqual([
      'day count: act_364',
    ])
  })

  test('a snapshot that is not a JSON object is shown as stored', () => {
    expect(describeSnapshot('not json')).toEqual(['not json'])
    expect(describeSnapshot('[1,2]')).toEqual(['[1,2]'])
    expect(describeSnapshot(null)).toEqual([])
  })

  test('every action the API records has words, and targets have labels', () => {
    for (const action of [
      'purchase.refund.requested',
      'purchase.refunded',
      'user.grant_admin.approved',
      'offering.create',
    ]) {
      expect(describeAuditAction(action)).not.toBe(action)
    }
    expect(describeAuditAction('purchase.refund.withdrawn')).toBe(
      'Withdrew the request to refund a purchase',
    )
    expect(describeAuditAction('something.new')).toBe('something.new')
    expect(describeAuditTarget('offering')).toBe('Offering')
    expect(describeAuditTarget('user')).toBe('Account')
  })
})

describe('an email address in a narrow column', () => {
  test('may break after the @ and before a dot, never inside a name', () => {
    expect(splitEmail('admin@tenor.local')).toEqual(['admin@', 'tenor', '.local'])
    expect(splitEmail('ada.lovelace@example.co.uk')).toEqual([
      'ada',
      '.lovelace@',
      'example',
      '.co',
      '.uk',
    ])
    expect(splitEmail('no-at-sign')).toEqual(['no-at-sign'])
  })
})
