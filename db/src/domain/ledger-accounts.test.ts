import { describe, expect, test } from 'bun:test'
import { accounts, chartOfAccounts, parseAccountCode } from './ledger-accounts.ts'

const purchaseId = '0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b'

describe('parseAccountCode', () => {
  test('reads every template in the chart with its normal balance and row id', () => {
    expect(parseAccountCode('bank:fbo_cash')?.rule.normalBalance).toBe('debit')
    expect(parseAccountCode('ach:payable_in_transit')?.rule.normalBalance).toBe('credit')
    const note = parseAccountCode(`note:${purchaseId}:interest_payable`)
    expect(note?.rule.kind).toBe('note_interest_payable')
    expect(note?.rule.normalBalance).toBe('credit')
    expect(note?.ref).toBe(purchaseId)
    expect(parseAccountCode('issuer:o1:interest_expense')?.rule.normalBalance).toBe('debit')
  })

  test('refuses codes outside the chart, including ids that would make a code ambiguous', () => {
    for (const code of [
      '',
      'bank:fbo',
      'BANK:FBO_CASH',
      'note::principal',
      'note:a:b:principal',
      'note:a b:principal',
      `note:${'x'.repeat(65)}:principal`,
      'offering:o1:capacity ',
    ]) {
      expect(parseAccountCode(code)).toBeNull()
    }
  })

  test('matches each template to exactly one rule', () => {
    for (const rule of chartOfAccounts) {
      const code = rule.template.replace(/\{\w+\}/, 'abc-123')
      expect(parseAccountCode(code)?.rule).toBe(rule)
    }
  })
})

describe('accounts', () => {
  test('builds codes that parse back to the same id', () => {
    expect(accounts.notePrincipal(purchaseId)).toBe(`note:${purchaseId}:principal`)
    expect(parseAccountCode(accounts.offeringSold('o-1'))?.ref).toBe('o-1')
    expect(accounts.investorHeld('u_1')).toBe('investor:u_1:held')
  })

  test('refuses an id that would break the code', () => {
    expect(() => accounts.notePrincipal('a:b')).toThrow(RangeError)
    expect(() => accounts.offeringCapacity('')).toThrow(RangeError)
  })
})
