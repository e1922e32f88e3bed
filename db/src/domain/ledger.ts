import type { ResultSet } from '@libsql/client'
import { eq, sql } from 'drizzle-orm'
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core'
import type { Schema, Tx } from '../client.ts'
import { newId } from '../ids.ts'
import { ledgerAccounts, ledgerEntries, ledgerTransactions } from '../schema/ledger.ts'
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
export async function postTransaction(tx: Tx, posting: LedgerPosting): Promise<PostedTransaction> {
  const lines = validatePosting(posting)
  const postedAt = posting.postedAt ?? new Date()

  const [inserted] = await tx
    .insert(ledgerTransactions)
    .values({
      id: newId(),
      kind: posting.kind,
      idempotencyKey: posting.idempotencyKey,
      purchaseId: posting.refs?.purchaseId ?? null,
      offeringId: posting.refs?.offeringId ?? null,
      userId: posting.refs?.userId ?? null,
      effectiveDate: posting.effectiveDate,
      memo: posting.memo ?? null,
      createdAt: postedAt,
    })
    .onConflictDoNothing({ target: ledgerTransactions.idempotencyKey })
    .returning({ id: ledgerTransactions.id })
  if (!inserted) return confirmRepeat(tx, posting, lines)

  const codes = new Map(lines.map((line) => [line.account, line.normalBalance]))
  await tx
    .insert(ledgerAccounts)
    .values(
      [...codes].map(([code, normalBalance]) => ({
        id: newId(),
        code,
        normalBalance,
        createdAt: postedAt,
      })),
    )
    .onConflictDoNothing({ target: ledgerAccounts.code })

  // One statement for every entry: each line finds its account by code.
  const rows = sql.join(
    lines.map(
      (line) => sql`(${newId()}, ${line.account}, ${line.debitCents}, ${line.creditCents})`,
    ),
    sql`, `,
  )
  const written = await tx.run(sql`
    insert into ledger_entries (id, transaction_id, account_id, debit_cents, credit_cents, created_at)
    select line.column1, ${inserted.id}, account.id, line.column3, line.column4, ${postedAt.getTime()}
    from (values ${rows}) as line
    join ledger_accounts as account on account.code = line.column2`)
  if (written.rowsAffected !== lines.length) {
    throw new Error(`Ledger wrote ${written.rowsAffected} of ${lines.length} entries`)
  }

  return { id: inserted.id, created: true }
}

/** A repeated idempotency key must describe the same posting; answers the first one. */
async function confirmRepeat(
  tx: Tx,
  posting: LedgerPosting,
  lines: ValidLine[],
): Promise<PostedTransaction> {
  const rows = await tx
    .select({
      id: ledgerTransactions.id,
      kind: ledgerTransactions.kind,
      account: ledgerAccounts.code,
      debitCents: ledgerEntries.debitCents,
      creditCents: ledgerEntries.creditCents,
    })
    .from(ledgerTransactions)
    .leftJoin(ledgerEntries, eq(ledgerEntries.transactionId, ledgerTransactions.id))
    .leftJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
    .where(eq(ledgerTransactions.idempotencyKey, posting.idempotencyKey))
  const first = rows[0]
  if (!first) throw new Error(`No ledger transaction for ${posting.idempotencyKey}`)

  const same =
    first.kind === posting.kind &&
    describeLines(rows.filter((row) => row.account !== null)) === describeLines(lines)
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
