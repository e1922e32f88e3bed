import { type CalendarDate, isCalendarDate } from './dates.ts'
import { type NormalBalance, parseAccountCode } from './ledger-accounts.ts'

/** What a ledger transaction records; the flows that post each are in `ledger-flows.ts`. */
export const ledgerTransactionKinds = [
  'offering_opened',
  'purchase_reserved',
  'purchase_settled',
  'purchase_reversed',
  'interest_accrued',
  'maturity_accrual',
  'payout_sent',
  'payout_settled',
  'payout_returned',
  'payout_resent',
  'rollover',
  'correction',
] as const
export type LedgerTransactionKind = (typeof ledgerTransactionKinds)[number]

/** One side of a posting: an account code and either a debit or a credit in whole cents. */
export interface LedgerLine {
  account: string
  debitCents?: number
  creditCents?: number
}

/** Everything a ledger transaction is written from. */
export interface LedgerPosting {
  kind: LedgerTransactionKind
  /** Derived from our own row, e.g. `purchase:{id}:reserved`; a second posting writes nothing. */
  idempotencyKey: string
  effectiveDate: CalendarDate
  memo?: string
  refs?: { purchaseId?: string; offeringId?: string; userId?: string }
  lines: LedgerLine[]
  /** When the posting is written; defaults to now. */
  postedAt?: Date
}

/** A line after validation: exactly one side positive, the other zero. */
export interface ValidLine {
  account: string
  normalBalance: NormalBalance
  debitCents: number
  creditCents: number
}

export type LedgerErrorCode =
  | 'invalid_posting'
  | 'empty_posting'
  | 'invalid_line'
  | 'unknown_account'
  | 'unbalanced_posting'
  | 'idempotency_conflict'
  | 'transaction_not_found'

/** A posting the ledger refuses. Nothing has been written when this is thrown. */
export class LedgerError extends Error {
  override readonly name = 'LedgerError'

  constructor(
    readonly code: LedgerErrorCode,
    message: string,
  ) {
    super(message)
  }
}

const idempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/

/**
 * Checks a posting before anything is written: a known kind, a printable idempotency key, a
 * real effective date, lines on accounts in the chart with one positive side each, and debits
 * equal to credits. Answers the lines in a uniform shape; throws a LedgerError otherwise.
 */
export function validatePosting(posting: LedgerPosting): ValidLine[] {
  if (!(ledgerTransactionKinds as readonly string[]).includes(posting.kind)) {
    throw new LedgerError('invalid_posting', `Unknown kind of posting: ${posting.kind}`)
  }
  if (!idempotencyKeyPattern.test(posting.idempotencyKey)) {
    throw new LedgerError('invalid_posting', 'An idempotency key is 1–255 printable characters')
  }
  if (!isCalendarDate(posting.effectiveDate)) {
    throw new LedgerError('invalid_posting', `Not an effective date: ${posting.effectiveDate}`)
  }
  if (posting.lines.length === 0) {
    throw new LedgerError('empty_posting', 'A posting needs lines')
  }

  const lines = posting.lines.map(validateLine)
  const debits = sumCents(lines.map((line) => line.debitCents))
  const credits = sumCents(lines.map((line) => line.creditCents))
  if (debits !== credits) {
    throw new LedgerError(
      'unbalanced_posting',
      `Debits of ${debits} cents do not equal credits of ${credits} cents (${posting.idempotencyKey})`,
    )
  }

  return lines
}

function validateLine(line: LedgerLine): ValidLine {
  const parsed = parseAccountCode(line.account)
  if (!parsed) {
    throw new LedgerError('unknown_account', `No account in the chart matches ${line.account}`)
  }

  const debitCents = line.debitCents ?? 0
  const creditCents = line.creditCents ?? 0
  const isCents = (value: number) => Number.isSafeInteger(value) && value >= 0
  if (!isCents(debitCents) || !isCents(creditCents) || debitCents > 0 === creditCents > 0) {
    throw new LedgerError(
      'invalid_line',
      `A line is a debit or a credit of whole cents above zero, not both: ${line.account}`,
    )
  }

  return {
    account: line.account,
    normalBalance: parsed.rule.normalBalance,
    debitCents,
    creditCents,
  }
}

function sumCents(values: number[]): number {
  const total = values.reduce((sum, value) => sum + value, 0)
  if (!Number.isSafeInteger(total)) {
    throw new LedgerError('invalid_posting', 'A posting total is too large to add exactly')
  }

  return total
}

/** Swaps every line's side: the posting that cancels another exactly. */
export function reverseLines(lines: readonly LedgerLine[]): LedgerLine[] {
  return lines.map((line) => ({
    account: line.account,
    debitCents: line.creditCents ?? 0,
    creditCents: line.debitCents ?? 0,
  }))
}
