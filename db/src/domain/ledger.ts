import type { ResultSet } from '@libsql/client'
import { eq, sql } from 'drizzle-orm'
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core'
import type { Schema, Tx } from '../client.ts'
import { newId } from '../ids.ts'
import { ledgerAccounts, ledgerEntries, ledgerTransactions } from '../schema/ledger.ts'
import { type Execute, executeInTx } from '../statement.ts'
import type { CalendarDate } from './dates.ts'
import { parseAccountCode } from './ledger-accounts.ts'
import {
  LedgerError,
  type LedgerPosting,
  type LedgerTransactionKind,
  reverseLines,
  type ValidLine,
  validatePosting,
} from './ledger-postings.ts'

/**
 * Writing to and reading from the double-entry ledger. Unlike the rest of the domain this
 * touches the database, but only through the handle it is given: postings join the caller's
 * write transaction, so a ledger transaction commits or rolls back with the change it records.
 */

/** The database or an open transaction: anything that can read the ledger. */
export type LedgerReader = BaseSQLiteDatabase<'async', ResultSet, Schema>

export interface PostedTransaction {
  id: string
  /** False when the idempotency key had already been posted and nothing was written. */
  created: boolean
}

/**
 * Posts one balanced ledger transaction inside the caller's write transaction, in three
 * statements: the transaction row (skipped on a repeated idempotency key), the accounts it
 * needs, and all its entries. Refuses an invalid or unbalanced posting before writing. A
 * repeated key answers the first transaction, or fails with `idempotency_conflict` if the
 * first had a different kind or different lines.
 */
export function postTransaction(tx: Tx, posting: LedgerPosting): Promise<PostedTransaction> {
  return postTransactionWith(executeInTx(tx), posting)
}

/**
 * `postTransaction` for a caller holding a plain libSQL transaction (`Database.writeSql`). The
 * statements are plain SQL so the hot purchase path pays for no query building.
 */
export async function postTransactionWith(
  execute: Execute,
  posting: LedgerPosting,
): Promise<PostedTransaction> {
  const lines = validatePosting(posting)
  const id = newId()
  const postedAt = (posting.postedAt ?? new Date()).getTime()

  const inserted = await execute({
    sql: `insert into ledger_transactions (id, kind, idempotency_key, purchase_id, offering_id, user_id, effective_date, memo, created_at)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (idempotency_key) do nothing`,
    args: [
      id,
      posting.kind,
      posting.idempotencyKey,
      posting.refs?.purchaseId ?? null,
      posting.refs?.offeringId ?? null,
      posting.refs?.userId ?? null,
      posting.effectiveDate,
      posting.memo ?? null,
      postedAt,
    ],
  })
  if (inserted.rowsAffected === 0) return confirmRepeat(execute, posting, lines)

  const codes = [...new Map(lines.map((line) => [line.account, line.normalBalance]))]
  await execute({
    sql: `insert into ledger_accounts (id, code, normal_balance, created_at)
      values ${codes.map(() => '(?, ?, ?, ?)').join(', ')} on conflict (code) do nothing`,
    args: codes.flatMap(([code, normalBalance]) => [newId(), code, normalBalance, postedAt]),
  })

  // One statement for every entry: each line finds its account by code.
  const written = await execute({
    sql: `insert into ledger_entries (id, transaction_id, account_id, debit_cents, credit_cents, created_at)
      select line.column1, ?, account.id, line.column3, line.column4, ?
      from (values ${lines.map(() => '(?, ?, ?, ?)').join(', ')}) as line
      join ledger_accounts as account on account.code = line.column2`,
    args: [
      id,
      postedAt,
      ...lines.flatMap((line) => [newId(), line.account, line.debitCents, line.creditCents]),
    ],
  })
  if (written.rowsAffected !== lines.length) {
    throw new Error(`Ledger wrote ${written.rowsAffected} of ${lines.length} entries`)
  }

  return { id, created: true }
}

/** A repeated idempotency key must describe the same posting; answers the first one. */
async function confirmRepeat(
  execute: Execute,
  posting: LedgerPosting,
  lines: ValidLine[],
): Promise<PostedTransaction> {
  const { rows } = await execute({
    sql: `select t.id, t.kind, a.code as account, e.debit_cents as debitCents, e.credit_cents as creditCents
      from ledger_transactions t
      left join ledger_entries e on e.transaction_id = t.id
      left join ledger_accounts a on a.id = e.account_id
      where t.idempotency_key = ?`,
    args: [posting.idempotencyKey],
  })
  const found = rows.map((row) => ({
    id: String(row.id),
    kind: String(row.kind),
    account: row.account === null ? null : String(row.account),
    debitCents: row.debitCents === null ? null : Number(row.debitCents),
    creditCents: row.creditCents === null ? null : Number(row.creditCents),
  }))
  const first = found[0]
  if (!first) throw new Error(`No ledger transaction for ${posting.idempotencyKey}`)

  const same =
    first.kind === posting.kind &&
    describeLines(found.filter((row) => row.account !== null)) === describeLines(lines)
  if (!same) {
    throw new LedgerError(
      'idempotency_conflict',
      `${posting.idempotencyKey} was already posted with a different kind or different lines`,
    )
  }

  return { id: first.id, created: false }
}

function describeLines(
  lines: { account: string | null; debitCents: number | null; creditCents: number | null }[],
): string {
  return lines
    .map((line) => `${line.account} ${line.debitCents ?? 0} ${line.creditCents ?? 0}`)
    .sort()
    .join('\n')
}

/**
 * Posts the exact opposite of an earlier transaction: the way to correct the ledger, which is
 * never edited. The key defaults to `reversal:{id}`, so a transaction is reversed at most once.
 */
export async function reverseTransaction(
  tx: Tx,
  input: {
    transactionId: string
    effectiveDate: CalendarDate
    kind?: LedgerTransactionKind
    idempotencyKey?: string
    memo?: string
    postedAt?: Date
  },
): Promise<PostedTransaction> {
  const original = await tx.query.ledgerTransactions.findFirst({
    where: eq(ledgerTransactions.id, input.transactionId),
  })
  if (!original) {
    throw new LedgerError('transaction_not_found', `No ledger transaction ${input.transactionId}`)
  }
  const lines = await tx
    .select({
      account: ledgerAccounts.code,
      debitCents: ledgerEntries.debitCents,
      creditCents: ledgerEntries.creditCents,
    })
    .from(ledgerEntries)
    .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
    .where(eq(ledgerEntries.transactionId, original.id))

  return postTransaction(tx, {
    kind: input.kind ?? 'correction',
    idempotencyKey: input.idempotencyKey ?? `reversal:${original.id}`,
    effectiveDate: input.effectiveDate,
    memo: input.memo ?? `Reverses ${original.kind} ${original.idempotencyKey}`,
    refs: {
      purchaseId: original.purchaseId ?? undefined,
      offeringId: original.offeringId ?? undefined,
      userId: original.userId ?? undefined,
    },
    lines: reverseLines(lines),
    postedAt: input.postedAt,
  })
}

/**
 * Reads an account's balance in cents in its normal direction (debits less credits for a
 * debit-normal account, the reverse for a credit-normal one). An account never posted to has
 * a balance of zero; a code outside the chart throws.
 */
export async function accountBalance(db: LedgerReader, code: string): Promise<number> {
  const parsed = parseAccountCode(code)
  if (!parsed) throw new LedgerError('unknown_account', `No account in the chart matches ${code}`)

  const [totals] = await db
    .select({
      debits: sql<number>`coalesce(sum(${ledgerEntries.debitCents}), 0)`,
      credits: sql<number>`coalesce(sum(${ledgerEntries.creditCents}), 0)`,
    })
    .from(ledgerEntries)
    .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
    .where(eq(ledgerAccounts.code, code))
  const debits = totals?.debits ?? 0
  const credits = totals?.credits ?? 0

  return parsed.rule.normalBalance === 'debit' ? debits - credits : credits - debits
}
