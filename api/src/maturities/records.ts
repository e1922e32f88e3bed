import { type Database, isBusy, type Tx } from '@tenor/db'
import type { CalendarDate, LedgerReader } from '@tenor/db/domain'
import { payouts } from '@tenor/db/schema'
import { and, eq } from 'drizzle-orm'

export type PayoutRow = typeof payouts.$inferSelect
export type PayoutState = PayoutRow['state']

/**
 * The key of a holding's maturity payout: one per purchase and maturity date, so every rerun
 * finds the row the first run made. A retry after a decline or a failed transfer needs a new
 * Plaid authorization, so later attempts carry their number: `…:2`, `…:3`.
 */
export function payoutKeyOf(purchaseId: string, maturityDate: CalendarDate): string {
  return `payout:${purchaseId}:${maturityDate}`
}

const keyPattern = /^payout:([0-9A-Za-z-]+):(\d{4})-(\d{2})-(\d{2})(?::(\d+))?$/

function readKey(key: string) {
  const match = keyPattern.exec(key)
  if (!match) throw new Error(`Not a maturity payout key: ${key}`)
  const [, purchaseId = '', year, month, day, attempt] = match

  return { purchaseId, date: `${year}${month}${day}`, attempt: attempt ? Number(attempt) : 1 }
}

/** The attempt a key stands for: 1 for the first key, n for `…:n`. */
export function attemptOf(key: string): number {
  return readKey(key).attempt
}

/** The key of the attempt after this one. */
export function nextAttemptKey(key: string): string {
  const base = key.split(':').slice(0, 3).join(':')

  return `${base}:${attemptOf(key) + 1}`
}

/**
 * The key Plaid sees. Plaid takes at most 50 characters and ours run to 54, so the same
 * facts are written compactly: `po:{purchase id without dashes}:{yyyymmdd}[:n]`. It is a pure
 * function of our key, so a rerun sends the same one and Plaid answers the first authorization.
 */
export function plaidKeyOf(key: string): string {
  const { purchaseId, date, attempt } = readKey(key)
  const plaidKey = `po:${purchaseId.replaceAll('-', '')}:${date}${attempt > 1 ? `:${attempt}` : ''}`
  if (plaidKey.length > 50) throw new Error(`Plaid idempotency key too long: ${plaidKey}`)

  return plaidKey
}

export async function findPayout(db: LedgerReader, id: string): Promise<PayoutRow | null> {
  const row = await db.query.payouts.findFirst({ where: eq(payouts.id, id) })

  return row ?? null
}

/** The maturity payout a Plaid transfer belongs to; refunds are another module's to apply. */
export async function findPayoutByTransfer(
  db: LedgerReader,
  transferId: string,
): Promise<PayoutRow | null> {
  const row = await db.query.payouts.findFirst({
    where: and(eq(payouts.transferId, transferId), eq(payouts.kind, 'maturity')),
  })

  return row ?? null
}

/**
 * Moves a payout from the state it was read in, in one conditional statement: false when it
 * had already moved, so two writers (the worker, a webhook's sync) cannot both act.
 */
export async function movePayout(
  tx: Tx,
  payout: PayoutRow,
  to: PayoutState,
  now: Date,
  changes: Partial<Omit<PayoutRow, 'id' | 'state' | 'updatedAt'>> = {},
): Promise<boolean> {
  const [moved] = await tx
    .update(payouts)
    .set({ ...changes, state: to, updatedAt: now })
    .where(
      and(
        eq(payouts.id, payout.id),
        eq(payouts.state, payout.state),
        eq(payouts.idempotencyKey, payout.idempotencyKey),
      ),
    )
    .returning({ id: payouts.id })

  return moved !== undefined
}

/**
 * Another process (the API, a second worker) may hold SQLite's write lock past the busy
 * timeout; `database.write` then tries a few times (0001) and gives up with SQLITE_BUSY. Such a
 * write is tried again here after a short pause that does not block the event loop; every write
 * here re-reads what it changes, so running it again is safe.
 */
export async function writeRetrying<T>(
  database: Database,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await database.write(work)
    } catch (error) {
      if (!isBusy(error) || attempt >= 50) throw error
      await Bun.sleep(5 + Math.random() * 20 * Math.min(attempt, 10))
    }
  }
}
