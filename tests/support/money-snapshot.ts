import {
  ledgerTransactions,
  offerings,
  payouts,
  purchaseEvents,
  purchases,
  transferEvents,
} from '@tenor/db/schema'
import { sql } from 'drizzle-orm'
import type { Transfer, TransferEvent } from 'plaid'
import type { PlaidTestApp } from './plaid.ts'
import { readStandInTransfers } from './standin-transfers.ts'

export type PurchaseRow = typeof purchases.$inferSelect
export type PayoutRow = typeof payouts.$inferSelect
export type OfferingRow = typeof offerings.$inferSelect

/** Our rows, our ledger and the stand-in's transfers, read once after quiescence. */
export interface MoneySnapshot {
  purchases: PurchaseRow[]
  payouts: PayoutRow[]
  offerings: OfferingRow[]
  moves: (typeof purchaseEvents.$inferSelect)[]
  postings: (typeof ledgerTransactions.$inferSelect)[]
  storedEvents: (typeof transferEvents.$inferSelect)[]
  /** Each ledger account's balance, read in its normal direction. */
  balances: Map<string, number>
  transfers: Transfer[]
  /** The stand-in's events by transfer id, in event order. */
  historyOf(transferId: string): TransferEvent[]
  /** Ledger transactions of one kind for a purchase. */
  postingsOf(purchaseId: string, kind: string): number
}

export async function readMoneySnapshot(t: PlaidTestApp): Promise<MoneySnapshot> {
  const db = t.db.database.db
  const accounts = await db.all<{ code: string; normal: string; debits: number; credits: number }>(
    sql`select a.code, a.normal_balance as normal,
      coalesce(sum(e.debit_cents), 0) as debits, coalesce(sum(e.credit_cents), 0) as credits
    from ledger_accounts a left join ledger_entries e on e.account_id = a.id group by a.id`,
  )
  const balances = new Map(
    accounts.map((a) => [
      a.code,
      a.normal === 'debit' ? a.debits - a.credits : a.credits - a.debits,
    ]),
  )
  const postings = await db.select().from(ledgerTransactions)
  const { transfers, events } = readStandInTransfers(t)

  const history = new Map<string, TransferEvent[]>()
  for (const event of events) {
    history.set(event.transfer_id, [...(history.get(event.transfer_id) ?? []), event])
  }
  const postingCounts = new Map<string, number>()
  for (const posting of postings) {
    const key = `${posting.purchaseId}/${posting.kind}`
    postingCounts.set(key, (postingCounts.get(key) ?? 0) + 1)
  }

  return {
    purchases: await db.select().from(purchases),
    payouts: await db.select().from(payouts),
    offerings: await db.select().from(offerings),
    moves: await db.select().from(purchaseEvents),
    postings,
    storedEvents: await db.select().from(transferEvents),
    balances,
    transfers,
    historyOf: (transferId) => history.get(transferId) ?? [],
    postingsOf: (purchaseId, kind) => postingCounts.get(`${purchaseId}/${kind}`) ?? 0,
  }
}
