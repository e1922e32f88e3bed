import { describe, expect, test } from 'bun:test'
import { toCalendarDate } from './dates.ts'
import {
  LedgerError,
  type LedgerPosting,
  reverseLines,
  validatePosting,
} from './ledger-postings.ts'

const posting = (lines: LedgerPosting['lines'], extra: Partial<LedgerPosting> = {}) => ({
  kind: 'correction' as const,
  idempotencyKey: 'test:1',
  effectiveDate: toCalendarDate('2026-03-02'),
  lines,
  ...extra,
})

function codeOf(work: () => unknown): string | null {
  try {
    work()
    return null
  } catch (error) {
    return error instanceof LedgerError ? error.code : 'not a LedgerError'
  }
}

describe('validatePosting', () => {
  test('accepts a balanced posting and fills in the empty side and normal balance', () => {
    const lines = validatePosting(
      posting([
        { account: 'bank:fbo_cash', debitCents: 1000 },
        { account: 'ach:receivable_in_transit', creditCents: 1000 },
      ]),
    )
    expect(lines).toEqual([
      { account: 'bank:fbo_cash', normalBalance: 'debit', debitCents: 1000, creditCents: 0 },
      {
        account: 'ach:receivable_in_transit',
        normalBalance: 'debit',
        debitCents: 0,
        creditCents: 1000,
      },
    ])
  })

  test('refuses an empty posting', () => {
    expect(codeOf(() => validatePosting(posting([])))).toBe('empty_posting')
  })

  test('refuses debits that do not equal credits, even by a cent', () => {
    const lines = [
      { account: 'bank:fbo_cash', debitCents: 1000 },
      { account: 'ach:receivable_in_transit', creditCents: 999 },
    ]
    expect(codeOf(() => validatePosting(posting(lines)))).toBe('unbalanced_posting')
    expect(codeOf(() => validatePosting(posting([lines[0] ?? { account: '' }])))).toBe(
      'unbalanced_posting',
    )
  })

  test('refuses lines with both sides, neither side, negatives or fractions of a cent', () => {
    for (const bad of [
      { debitCents: 5, creditCents: 5 },
      { debitCents: 0, creditCents: 0 },
      {},
      { debitCents: -5 },
      { debitCents: 1.5 },
      { creditCents: Number.NaN },
      { debitCents: 2 ** 53 },
    ]) {
      const lines = [{ account: 'bank:fbo_cash', ...bad }]
      expect(codeOf(() => validatePosting(posting(lines)))).toBe('invalid_line')
    }
  })

  test('refuses accounts outside the chart', () => {
    const lines = [
      { account: 'bank:petty_cash', debitCents: 1 },
      { account: 'bank:fbo_cash', creditCents: 1 },
    ]
    expect(codeOf(() => validatePosting(posting(lines)))).toBe('unknown_account')
  })

  test('refuses an unknown kind, a blank key and a date that is not a day', () => {
    const lines = [
      { account: 'bank:fbo_cash', debitCents: 1 },
      { account: 'ach:receivable_in_transit', creditCents: 1 },
    ]
    const cases: Partial<LedgerPosting>[] = [
      { kind: 'gift' as LedgerPosting['kind'] },
      { idempotencyKey: '' },
      { idempotencyKey: 'has space' },
      { effectiveDate: '2026-02-30' as LedgerPosting['effectiveDate'] },
    ]
    for (const extra of cases) {
      expect(codeOf(() => validatePosting(posting(lines, extra)))).toBe('invalid_posting')
    }
  })
})

describe('reverseLines', () => {
  test('swaps every side, so a posting and its reversal cancel', () => {
    expect(
      reverseLines([
        { account: 'bank:fbo_cash', debitCents: 7 },
        { account: 'ach:receivable_in_transit', creditCents: 7 },
      ]),
    ).toEqual([
      { account: 'bank:fbo_cash', debitCents: 0, creditCents: 7 },
      { account: 'ach:receivable_in_transit', debitCents: 7, creditCents: 0 },
    ])
  })
})
