/**
 * Ledger postings as rows for bulk inserts, for benchmark fixtures: each posting is validated by
 * the domain (balanced, accounts in the chart) and every account is created once, with its
 * first posting, as `postTransaction` would.
 */
import { newId, type Tx } from '@tenor/db'
import { type LedgerPosting, validatePosting } from '@tenor/db/domain'
import { ledgerAccounts, ledgerEntries, ledgerTransactions } from '@tenor/db/schema'

export type LedgerRows = {
  transaction: typeof ledgerTransactions.$inferInsert
  accounts: (typeof ledgerAccounts.$inferInsert)[]
  entries: (typeof ledgerEntries.$inferInsert)[]
}

export function createLedgerRows(now: Date) {
  const accountIds = new Map<string, string>()

  return {
    add(posting: LedgerPosting): LedgerRows {
      const transactionId = newId()
      const rows: LedgerRows = {
        transaction: {
          id: transactionId,
          kind: posting.kind,
          idempotencyKey: posting.idempotencyKey,
          purchaseId: posting.refs?.purchaseId ?? null,
          offeringId: posting.refs?.offeringId ?? null,
          userId: posting.refs?.userId ?? null,
          effectiveDate: posting.effectiveDate,
          createdAt: now,
        },
        accounts: [],
        entries: [],
      }
      for (const line of validatePosting(posting)) {
        let accountId = accountIds.get(line.account)
        if (!accountId) {
          accountId = newId()
          accountIds.set(line.account, accountId)
          rows.accounts.push({
            id: accountId,
            code: line.account,
            normalBalance: line.normalBalance,
            createdAt: now,
          })
        }
        rows.entries.push({
          id: newId(),
          transactionId,
          accountId,
          debitCents: line.debitCents,
          creditCents: line.creditCents,
          createdAt: now,
        })
      }
      return rows
    },
    async write(tx: Tx, ...postings: LedgerRows[]) {
      const accounts = postings.flatMap((p) => p.accounts)
      const transactions = postings.map((p) => p.transaction)
      const entries = postings.flatMap((p) => p.entries)
      for (const chunk of chunks(accounts, 2000)) await tx.insert(ledgerAccounts).values(chunk)
      for (const chunk of chunks(transactions, 2000)) {
        await tx.insert(ledgerTransactions).values(chunk)
      }
      for (const chunk of chunks(entries, 2000)) await tx.insert(ledgerEntries).values(chunk)
    },
  }
}

export function chunks<T>(rows: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size))
  return out
}
