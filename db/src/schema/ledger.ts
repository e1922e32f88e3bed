import { sql } from 'drizzle-orm'
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { normalBalances } from '../domain/ledger-accounts.ts'
import { ledgerTransactionKinds } from '../domain/ledger-postings.ts'
import { calendarDate, createdAt } from './columns.ts'

/**
 * The double-entry ledger (docs/decisions/0002-ledger.md). All three tables are append-only:
 * triggers in the `ledger_guards` migration abort any UPDATE or DELETE, so a mistake is
 * corrected by posting a reversing transaction, never by editing history. Write through
 * `postTransaction` in `domain/ledger.ts`, which checks balance before anything is written.
 */

export { ledgerTransactionKinds, normalBalances }

/** An account, named by a code from the chart in `domain/ledger-accounts.ts`. */
export const ledgerAccounts = sqliteTable(
  'ledger_accounts',
  {
    id: text('id').primaryKey(),
    code: text('code').notNull().unique(),
    normalBalance: text('normal_balance', { enum: normalBalances }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    check('ledger_accounts_normal_balance_check', sql`${t.normalBalance} in ('debit', 'credit')`),
  ],
)

/** One atomic posting: its entries are written together and balance to the cent. */
export const ledgerTransactions = sqliteTable(
  'ledger_transactions',
  {
    id: text('id').primaryKey(),
    // No CHECK on the kind: SQLite cannot alter one, and a new kind should need code, not a
    // table rebuild. `postTransaction` refuses kinds not in the list.
    kind: text('kind', { enum: ledgerTransactionKinds }).notNull(),
    // Derived from our own rows (`purchase:{id}:reserved`), so a retried step posts nothing new.
    idempotencyKey: text('idempotency_key').notNull().unique(),
    // Plain ids, not foreign keys: the ledger outlives and never blocks the rows it describes.
    purchaseId: text('purchase_id'),
    offeringId: text('offering_id'),
    userId: text('user_id'),
    effectiveDate: calendarDate('effective_date').notNull(),
    memo: text('memo'),
    createdAt: createdAt(),
  },
  (t) => [
    index('ledger_transactions_purchase_idx').on(t.purchaseId),
    index('ledger_transactions_offering_idx').on(t.offeringId),
    index('ledger_transactions_user_idx').on(t.userId),
  ],
)

/** One side of a posting: a debit or a credit of whole cents to one account, never both. */
export const ledgerEntries = sqliteTable(
  'ledger_entries',
  {
    id: text('id').primaryKey(),
    transactionId: text('transaction_id')
      .notNull()
      .references(() => ledgerTransactions.id, { onDelete: 'restrict' }),
    accountId: text('account_id')
      .notNull()
      .references(() => ledgerAccounts.id, { onDelete: 'restrict' }),
    debitCents: integer('debit_cents').notNull().default(0),
    creditCents: integer('credit_cents').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [
    check(
      'ledger_entries_one_side_check',
      sql`typeof(${t.debitCents}) = 'integer' and typeof(${t.creditCents}) = 'integer' and ((${t.debitCents} > 0 and ${t.creditCents} = 0) or (${t.debitCents} = 0 and ${t.creditCents} > 0))`,
    ),
    index('ledger_entries_transaction_idx').on(t.transactionId),
    index('ledger_entries_account_idx').on(t.accountId),
  ],
)
