import { bankAccountStatusForReturn, type LedgerReader } from '@tenor/db/domain'
import { bankAccounts, plaidItems, purchases, transferEvents } from '@tenor/db/schema'
import { and, eq, inArray } from 'drizzle-orm'
import { failureCodeOf, transferEventFields } from '../purchases/transfer-events.ts'

/** An account as one of our rows holds it, with what names it at its bank. */
export interface AccountAtBank {
  id: string
  userId: string
  institutionId: string | null
  subtype: string | null
  mask: string | null
}

/**
 * The account at its bank, whichever link brought it: removed and linked again, the same account
 * is a new row, so an investor's accounts at one institution with the same kind and last digits
 * are taken to be one. Without an institution or last digits, only the row itself.
 */
export function sameAccountKey(account: AccountAtBank): string {
  return account.institutionId && account.mask
    ? `${account.userId}|${account.institutionId}|${account.subtype ?? ''}|${account.mask}`
    : `row|${account.id}`
}

const accountColumns = {
  id: bankAccounts.id,
  userId: bankAccounts.userId,
  institutionId: plaidItems.institutionId,
  subtype: bankAccounts.subtype,
  mask: bankAccounts.mask,
}

/** These rows, with what names each account at its bank. */
export function readAccountsAtBank(
  db: LedgerReader,
  accountIds: readonly string[],
): Promise<AccountAtBank[]> {
  return db
    .select(accountColumns)
    .from(bankAccounts)
    .innerJoin(plaidItems, eq(plaidItems.id, bankAccounts.itemId))
    .where(inArray(bankAccounts.id, [...accountIds]))
}

/**
 * The accounts of these investors, as `sameAccountKey` names them, that a debit of ours came
 * back from as unauthorized (R05, R07, R10, R29), or that are marked so: whichever row of the
 * account the debit was made from.
 */
export async function findDisputedAccounts(
  db: LedgerReader,
  userIds: readonly string[],
): Promise<Set<string>> {
  if (userIds.length === 0) return new Set()
  // Returns are few, and the purchases' owner index answers them.
  const [returns, marked] = await Promise.all([
    db
      .select({ ...accountColumns, payload: transferEvents.payload })
      .from(purchases)
      .innerJoin(transferEvents, eq(transferEvents.transferId, purchases.transferId))
      .innerJoin(bankAccounts, eq(bankAccounts.id, purchases.bankAccountId))
      .innerJoin(plaidItems, eq(plaidItems.id, bankAccounts.itemId))
      .where(
        and(inArray(purchases.userId, [...userIds]), eq(transferEvents.eventType, 'returned')),
      ),
    db
      .select(accountColumns)
      .from(bankAccounts)
      .innerJoin(plaidItems, eq(plaidItems.id, bankAccounts.itemId))
      .where(
        and(inArray(bankAccounts.userId, [...userIds]), eq(bankAccounts.status, 'unauthorized')),
      ),
  ])
  const disputed = new Set(marked.map(sameAccountKey))
  for (const row of returns) {
    const event = transferEventFields.safeParse(JSON.parse(row.payload))
    const code = event.success ? failureCodeOf(event.data) : null
    if (bankAccountStatusForReturn(code) === 'unauthorized') disputed.add(sameAccountKey(row))
  }
  return disputed
}

/**
 * New rows for accounts of one item at `institutionId`: one whose account at the bank reported
 * a debit of ours unauthorized comes in marked so, and is never debited, however it comes back
 * (removed and linked again, or given a new id by its bank on reconnecting).
 */
export async function markDisputed<Row extends Omit<AccountAtBank, 'institutionId'>>(
  db: LedgerReader,
  institutionId: string | null,
  rows: Row[],
): Promise<(Row | (Row & { status: 'unauthorized' }))[]> {
  const userIds = [...new Set(rows.map((row) => row.userId))]
  const disputed = await findDisputedAccounts(db, userIds)
  return rows.map((row) =>
    disputed.has(sameAccountKey({ ...row, institutionId }))
      ? { ...row, status: 'unauthorized' }
      : row,
  )
}
