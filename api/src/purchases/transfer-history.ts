import type { LedgerReader } from '@tenor/db/domain'
import { transferEvents } from '@tenor/db/schema'
import { and, asc, eq, inArray, isNotNull } from 'drizzle-orm'
import type { PurchaseRow } from './records.ts'

/*
 * What a note's transfers say that its own states do not: a payment's later moves, and a debit
 * that came back after the note matured. Read for many notes at once, for the purchase views.
 */

/**
 * The debits that came back after their note matured (an unauthorized-debit claim, up to sixty
 * days on): the note's state does not move, as its money has gone on, so its page says so.
 */
export async function readDebitsReturnedAfterMaturity(
  db: LedgerReader,
  notes: Pick<PurchaseRow, 'state' | 'transferId'>[],
): Promise<Set<string>> {
  const matured = notes
    .filter((note) => note.state === 'matured' || note.state === 'paid')
    .flatMap((note) => (note.transferId ? [note.transferId] : []))
  if (matured.length === 0) return new Set()
  const returned = await db
    .selectDistinct({ transferId: transferEvents.transferId })
    .from(transferEvents)
    .where(
      and(eq(transferEvents.eventType, 'returned'), inArray(transferEvents.transferId, matured)),
    )
  return new Set(returned.map((event) => event.transferId))
}

/** What became of a maturity payment after it was first sent, for the note's history. */
export type PaymentStep = { event: 'returned' | 'failed' | 'paid_again'; at: string }

/**
 * The payment's moves the note's own states do not show: a credit that failed or came back,
 * and a later one that reached the bank. The first settlement is the note's "paid" step.
 * Debit events are the purchase's own transfer; every other transfer of the note is a payout's.
 */
export async function readPaymentEvents(
  db: LedgerReader,
  notes: Pick<PurchaseRow, 'id' | 'transferId'>[],
): Promise<Map<string, PaymentStep[]>> {
  const debitOf = new Map(notes.map((note) => [note.id, note.transferId]))
  const rows = await db
    .select({
      purchaseId: transferEvents.purchaseId,
      transferId: transferEvents.transferId,
      eventType: transferEvents.eventType,
      at: transferEvents.appliedAt,
    })
    .from(transferEvents)
    .where(
      and(
        inArray(transferEvents.purchaseId, [...debitOf.keys()]),
        inArray(transferEvents.eventType, ['settled', 'returned', 'failed']),
        isNotNull(transferEvents.appliedAt),
      ),
    )
    .orderBy(asc(transferEvents.eventId))
  const steps = new Map<string, PaymentStep[]>()
  const settledOnce = new Set<string>()
  for (const row of rows) {
    if (!row.purchaseId || !row.at || row.transferId === debitOf.get(row.purchaseId)) continue
    const list = steps.get(row.purchaseId) ?? []
    if (row.eventType === 'settled') {
      if (!settledOnce.has(row.purchaseId)) {
        settledOnce.add(row.purchaseId)
        continue
      }
      list.push({ event: 'paid_again', at: row.at.toISOString() })
    } else {
      list.push({ event: row.eventType as 'returned' | 'failed', at: row.at.toISOString() })
    }
    steps.set(row.purchaseId, list)
  }
  return steps
}
