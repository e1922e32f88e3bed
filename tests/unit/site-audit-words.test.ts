import { describe, expect, test } from 'bun:test'
import { approvalActions } from '@tenor/api/admin/approvals'
import {
  describeAuditAction,
  describeAuditActor,
  describeAuditTarget,
  describeSnapshot,
  splitEmail,
} from '../../web/src/lib/audit-words.ts'

describe('audit trail words', () => {
  test('an administrator made on the command line was made by it, not by themselves', () => {
    expect(describeAuditActor('user.role.admin.command_line')).toBe(
      'The command line, on the server',
    )
    expect(describeAuditActor('user.role.admin')).toBeNull()
  })

  test('money and rates in snapshots read as amounts, names as words', () => {
    expect(
      describeSnapshot(
        JSON.stringify({ capacityCents: 10_000_000, rateBps: 575, maturityDate: '2027-03-02' }),
      ),
    ).toEqual(['Offering size: $100,000.00', 'Rate: 5.75%', 'Maturity date: March 2, 2027'])
  })

  test('a rate change request reads its old rate as a rate too, before the new one', () => {
    expect(describeSnapshot(JSON.stringify({ rateBps: 650, from: 610 }))).toEqual([
      'From: 6.10%',
      'Rate: 6.50%',
    ])
    expect(describeSnapshot(JSON.stringify({ from: 'draft' }))).toEqual(['From: draft'])
  })

  test('codes and fields read as the console names them; a reason not given is left out', () => {
    const offering = {
      rateType: 'compound',
      compounding: 'monthly',
      dayCount: 'act_365f',
      defaultMaturityInstruction: 'payout',
    }
    expect(describeSnapshot(JSON.stringify(offering))).toEqual([
      'Rate type: Compound interest',
      'Compounding: Every month',
      'Day count: Actual/365 Fixed',
      'At maturity: paid out',
    ])
    expect(
      describeSnapshot(
        JSON.stringify({ kycStatus: 'approved', reason: null, compounding: null, locked: false }),
      ),
    ).toEqual(['Identity check: Approved', 'Compounding: —', 'Locked: no'])
    expect(describeSnapshot(JSON.stringify({ dayCount: 'act_364' }))).toEqual([
      'Day count: act_364',
    ])
  })

  test('an identity decision, a role and a term read in plain words', () => {
    expect(describeSnapshot(JSON.stringify({ kycStatus: 'submitted' }))).toEqual([
      'Identity check: Waiting for review',
    ])
    expect(
      describeSnapshot(JSON.stringify({ kycStatus: 'rejected', reason: 'The name differs.' })),
    ).toEqual(['Identity check: Rejected', 'Reason: The name differs.'])
    // A reason reads exactly as the administrator typed it, dates included.
    expect(
      describeSnapshot(JSON.stringify({ status: 'disabled', reason: 'Fraud seen on 2026-12-12.' })),
    ).toContain('Reason: Fraud seen on 2026-12-12.')
    expect(describeSnapshot(JSON.stringify({ role: 'admin', termMonths: 12 }))).toEqual([
      'Role: administrator',
      'Term: 12 months',
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
    // Every step of every request for a second administrator's approval.
    for (const asked of approvalActions) {
      for (const step of ['requested', 'approved', 'rejected', 'withdrawn']) {
        const action = `${asked}.${step}`
        expect(describeAuditAction(action)).not.toBe(action)
      }
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
