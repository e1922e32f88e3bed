import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { resolve } from 'node:path'
import {
  accountBalance,
  checkLedger,
  LedgerError,
  type LedgerPosting,
  openOfferingPosting,
  postTransaction,
  reservePurchasePosting,
  reverseTransaction,
  settlePurchasePosting,
  toCalendarDate,
} from '@tenor/db/domain'
import { ledgerAccounts, ledgerEntries, ledgerTransactions } from '@tenor/db/schema'
import { createTestDatabase, type TestDatabase } from '../support/database.ts'

const repoRoot = resolve(import.meta.dir, '../..')
const effectiveDate = toCalendarDate('2026-03-02')
const purchase = { purchaseId: 'p1', offeringId: 'o1', userId: 'u1', effectiveDate }
let t: TestDatabase

beforeEach(async () => {
  t = await createTestDatabase()
})
afterEach(() => t.remove())

const post = (posting: LedgerPosting) => t.database.write((tx) => postTransaction(tx, posting))
const count = async () => ({
  transactions: await t.database.db.$count(ledgerTransactions),
  entries: await t.database.db.$count(ledgerEntries),
})
const execute = (statement: string) => t.database.client.execute(statement)

async function failureOf(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work()
  } catch (error) {
    return error
  }
  throw new Error('expected a failure')
}

/** A sold note on a fresh offering: two transactions, six entries. */
async function postSale() {
  await post(openOfferingPosting({ offeringId: 'o1', capacityCents: 1_000_000, effectiveDate }))
  return post(reservePurchasePosting({ ...purchase, amountCents: 100_000 }))
}

/** Writes a transaction straight to the tables, skipping every check postTransaction makes. */
async function plantUnbalancedTransaction() {
  await execute(`insert into ledger_transactions (id, kind, idempotency_key, effective_date, created_at)
    values ('bad-tx', 'correction', 'planted', '2026-03-02', 0)`)
  await execute(`insert into ledger_entries (id, transaction_id, account_id, debit_cents, credit_cents, created_at)
    values ('bad-entry', 'bad-tx', (select id from ledger_accounts where code = 'ach:receivable_in_transit'), 500, 0, 0)`)
}

describe('postTransaction', () => {
  test('posts a balanced transaction and moves balances in each normal direction', async () => {
    const posted = await postSale()
    expect(posted.created).toBe(true)
    expect(await count()).toEqual({ transactions: 2, entries: 6 })
    const db = t.database.db
    expect(await accountBalance(db, 'offering:o1:capacity')).toBe(900_000)
    expect(await accountBalance(db, 'offering:o1:sold')).toBe(100_000)
    expect(await accountBalance(db, 'ach:receivable_in_transit')).toBe(100_000)
    expect(await accountBalance(db, 'note:p1:principal')).toBe(100_000)
    expect(await accountBalance(db, 'bank:fbo_cash')).toBe(0)
    const row = await db.query.ledgerTransactions.findFirst({
      where: (tx, { eq }) => eq(tx.id, posted.id),
    })
    expect(row).toMatchObject({
      kind: 'purchase_reserved',
      idempotencyKey: 'purchase:p1:reserved',
      purchaseId: 'p1',
      offeringId: 'o1',
      userId: 'u1',
      effectiveDate: '2026-03-02',
    })
  })

  test('refuses an unbalanced posting and writes nothing, not even its accounts', async () => {
    const error = await failureOf(() =>
      post({
        kind: 'correction',
        idempotencyKey: 'unbalanced',
        effectiveDate,
        lines: [
          { account: 'bank:fbo_cash', debitCents: 1000 },
          { account: 'ach:receivable_in_transit', creditCents: 999 },
        ],
      }),
    )
    expect(error).toBeInstanceOf(LedgerError)
    expect((error as LedgerError).code).toBe('unbalanced_posting')
    expect(await count()).toEqual({ transactions: 0, entries: 0 })
    expect(await t.database.db.$count(ledgerAccounts)).toBe(0)
  })

  test('refuses an empty posting', async () => {
    const error = await failureOf(() =>
      post({ kind: 'correction', idempotencyKey: 'empty', effectiveDate, lines: [] }),
    )
    expect((error as LedgerError).code).toBe('empty_posting')
    expect(await count()).toEqual({ transactions: 0, entries: 0 })
  })

  test('posts once for the same idempotency key and answers the first transaction', async () => {
    const first = await postSale()
    const again = await post(reservePurchasePosting({ ...purchase, amountCents: 100_000 }))
    expect(again).toEqual({ id: first.id, created: false })
    expect(await count()).toEqual({ transactions: 2, entries: 6 })
    expect(await accountBalance(t.database.db, 'offering:o1:sold')).toBe(100_000)
  })

  test('refuses the same key with different lines, rolling back the whole write', async () => {
    await postSale()
    const error = await failureOf(() =>
      t.database.write(async (tx) => {
        await postTransaction(tx, settlePurchasePosting({ ...purchase, amountCents: 100_000 }))
        await postTransaction(tx, reservePurchasePosting({ ...purchase, amountCents: 200_000 }))
      }),
    )
    expect((error as LedgerError).code).toBe('idempotency_conflict')
    expect(await count()).toEqual({ transactions: 2, entries: 6 })
  })

  test('reverses a transaction with its exact opposite, once', async () => {
    const sale = await postSale()
    const reversal = await t.database.write((tx) =>
      reverseTransaction(tx, { transactionId: sale.id, effectiveDate }),
    )
    const again = await t.database.write((tx) =>
      reverseTransaction(tx, { transactionId: sale.id, effectiveDate }),
    )
    expect(again).toEqual({ id: reversal.id, created: false })
    expect(await accountBalance(t.database.db, 'offering:o1:sold')).toBe(0)
    expect(await accountBalance(t.database.db, 'note:p1:principal')).toBe(0)
    expect(await checkLedger(t.database.db)).toEqual([])
  })
})

describe('append-only tables', () => {
  test('the database refuses UPDATE and DELETE on transactions, entries and accounts', async () => {
    await postSale()
    for (const statement of [
      'update ledger_entries set debit_cents = debit_cents + 1 where debit_cents > 0',
      'delete from ledger_entries',
      "update ledger_transactions set memo = 'edited'",
      'delete from ledger_transactions',
      "update ledger_accounts set normal_balance = 'debit'",
      'delete from ledger_accounts',
    ]) {
      const error = await failureOf(() => execute(statement))
      expect(String(error)).toContain('ledger is append-only')
    }
    expect(await count()).toEqual({ transactions: 2, entries: 6 })
  })

  test('the database refuses an entry with both sides, no side or a fraction of a cent', async () => {
    await postSale()
    for (const [debit, credit] of [
      [5, 5],
      [0, 0],
      [-5, 0],
      [1.5, 0],
    ]) {
      const error = await failureOf(() =>
        execute(`insert into ledger_entries (id, transaction_id, account_id, debit_cents, credit_cents, created_at)
          select 'x', id, (select id from ledger_accounts limit 1), ${debit}, ${credit}, 0
          from ledger_transactions limit 1`),
      )
      expect(String(error)).toContain('CHECK constraint failed')
    }
  })
})

describe('checkLedger', () => {
  test('passes a clean ledger', async () => {
    await postSale()
    expect(await checkLedger(t.database.db)).toEqual([])
  })

  test('finds a transaction written around postTransaction that does not balance', async () => {
    await postSale()
    await plantUnbalancedTransaction()
    const violations = await checkLedger(t.database.db)
    expect(violations.map((v) => v.rule)).toEqual([
      'unbalanced_transaction',
      'ledger_out_of_balance',
    ])
    expect(violations[0]?.ref).toBe('bad-tx')
  })

  test('finds a transaction with no entries, an oversold offering and a negative balance', async () => {
    await postSale()
    await execute(`insert into ledger_transactions (id, kind, idempotency_key, effective_date, created_at)
      values ('empty-tx', 'correction', 'planted-empty', '2026-03-02', 0)`)
    // Balanced, but sells more than the offering opened with.
    await post(reservePurchasePosting({ ...purchase, purchaseId: 'p2', amountCents: 950_000 }))
    const rules = (await checkLedger(t.database.db)).map((v) => `${v.rule} ${v.ref}`)
    expect(rules).toEqual([
      'transaction_without_entries empty-tx',
      'negative_balance offering:o1:capacity',
      'oversold_offering o1',
    ])
  })

  test('finds an account outside the chart or with the wrong normal balance', async () => {
    await execute(`insert into ledger_accounts (id, code, normal_balance, created_at)
      values ('a1', 'bank:petty_cash', 'debit', 0), ('a2', 'ach:payable_in_transit', 'debit', 0)`)
    const rules = (await checkLedger(t.database.db)).map((v) => v.rule)
    expect(rules).toEqual(['account_not_in_chart', 'wrong_normal_balance'])
  })
})

describe('bun run ledger:check', () => {
  async function runCheck() {
    const child = Bun.spawn([process.execPath, 'db/src/cli/ledger-check.ts'], {
      cwd: repoRoot,
      env: { ...process.env, APP_ENV: 'test', DATABASE_URL: t.url },
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const [exitCode, stdout] = await Promise.all([child.exited, new Response(child.stdout).text()])
    return { exitCode, summary: JSON.parse(stdout.trim()) as Record<string, unknown> }
  }

  test('exits 0 and prints a one-line summary on a clean ledger', async () => {
    await postSale()
    const { exitCode, summary } = await runCheck()
    expect(exitCode).toBe(0)
    expect(summary).toMatchObject({
      event: 'ledger checked',
      ok: true,
      transactions: 2,
      entries: 6,
      debitsCents: 1_200_000,
      creditsCents: 1_200_000,
      violationCount: 0,
    })
  })

  test('exits 1 and names the violation when one is planted', async () => {
    await postSale()
    await plantUnbalancedTransaction()
    const { exitCode, summary } = await runCheck()
    expect(exitCode).toBe(1)
    expect(summary).toMatchObject({ ok: false, violationCount: 2 })
    expect(JSON.stringify(summary.violations)).toContain('bad-tx')
  })
})
