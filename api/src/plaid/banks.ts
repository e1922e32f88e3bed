import { type Database, type Db, newId, preparedPerHandle } from '@tenor/db'
import type { Env } from '@tenor/db/env'
import { bankAccounts, plaidItems } from '@tenor/db/schema'
import { and, asc, eq, inArray, ne, notInArray, sql } from 'drizzle-orm'
import type { AccountBase, PlaidApi } from 'plaid'
import { decrypt } from '../lib/crypto.ts'
import { canFund } from './account-use.ts'
import { markDisputed } from './disputed-accounts.ts'
import { callPlaid, toPlaidFailure } from './errors.ts'
import { tellOfNewAccounts } from './new-accounts-notice.ts'

export type ItemRow = typeof plaidItems.$inferSelect
export type AccountRow = typeof bankAccounts.$inferSelect

export interface BankView {
  id: string
  institutionName: string | null
  status: ItemRow['status']
  statusReason: string | null
  accounts: {
    id: string
    name: string
    mask: string | null
    subtype: string | null
    status: AccountRow['status']
    canFund: boolean
  }[]
}

export function toBankView(item: ItemRow, accounts: AccountRow[]): BankView {
  return {
    id: item.id,
    institutionName: item.institutionName,
    status: item.status,
    statusReason: item.statusReason,
    accounts: accounts
      .filter((account) => account.status !== 'removed')
      .map((account) => ({
        id: account.id,
        name: account.name,
        mask: account.mask,
        subtype: account.subtype,
        status: account.status,
        canFund: canFund(account, item),
      })),
  }
}

/** The sealed access token, opened only for the Plaid call that needs it. */
export function openAccessToken(item: ItemRow, keys: Env['encryptionKeys']): string {
  return decrypt(item.accessToken, keys, `plaid-item:${item.plaidItemId}`)
}

export async function listBanks(database: Database, userId: string): Promise<BankView[]> {
  const items = await database.db
    .select()
    .from(plaidItems)
    .where(and(eq(plaidItems.userId, userId), ne(plaidItems.status, 'removed')))
    .orderBy(plaidItems.createdAt)
  if (items.length === 0) return []
  const accounts = await database.db
    .select()
    .from(bankAccounts)
    .where(
      inArray(
        bankAccounts.itemId,
        items.map((item) => item.id),
      ),
    )
  // Checking first, as the account a purchase is most often paid from, then savings, then the
  // rest (cards, loans) that cannot pay; by name within each.
  const first = ['checking', 'savings']
  const rank = (subtype: string | null) => {
    const at = first.indexOf(subtype ?? '')
    return at === -1 ? first.length : at
  }
  const ordered = accounts.toSorted(
    (a, b) => rank(a.subtype) - rank(b.subtype) || a.name.localeCompare(b.name),
  )
  return items.map((item) =>
    toBankView(
      item,
      ordered.filter((a) => a.itemId === item.id),
    ),
  )
}

const selectBanksToReconnect = preparedPerHandle((db: Db) =>
  db
    .select({ institutionName: plaidItems.institutionName })
    .from(plaidItems)
    .where(
      and(
        eq(plaidItems.userId, sql.placeholder('userId')),
        eq(plaidItems.status, 'needs_reconnect'),
      ),
    )
    .orderBy(asc(plaidItems.createdAt))
    .prepare(),
)

/**
 * Names of the user's banks whose login must be repaired before they can be used again, for the
 * reminder on every page; a bank Plaid gave no name is "Your bank".
 */
export async function namesOfBanksToReconnect(
  database: Database,
  userId: string,
): Promise<string[]> {
  const rows = await selectBanksToReconnect(database.db).all({ userId })
  return rows.map((row) => row.institutionName ?? 'Your bank')
}

export async function findOwnItem(database: Database, userId: string, itemId: string) {
  const item = await database.db.query.plaidItems.findFirst({
    where: and(
      eq(plaidItems.id, itemId),
      eq(plaidItems.userId, userId),
      ne(plaidItems.status, 'removed'),
    ),
  })
  return item ?? null
}

/** An account as stored, from Plaid's answer; new accounts start active. */
export function toAccountRow(account: AccountBase, item: ItemRow, now: Date): AccountRow {
  return {
    id: newId(),
    itemId: item.id,
    userId: item.userId,
    plaidAccountId: account.account_id,
    name: plainName(account.official_name ?? account.name) || 'Account',
    mask: account.mask ? plainName(account.mask) : null,
    type: account.type,
    subtype: account.subtype ?? null,
    status: 'active',
    createdAt: now,
  }
}

// Control characters (NUL cuts a stored string short) and the bidirectional overrides and
// isolates that make text read in another order than it is stored.
const unprintable = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu

/**
 * A name from the bank as we store and show it, and as a debit authorization quotes it: without
 * characters that hide or reorder text, spaces collapsed.
 */
export function plainName(text: string): string {
  return text.replace(unprintable, ' ').replace(/\s+/g, ' ').trim()
}

/**
 * After update mode: asks Plaid how the item is now, and brings its accounts in line with the
 * ones Plaid lists, since account ids can change when a user reconnects. An account Plaid no
 * longer lists is removed, so it neither funds a purchase nor receives a payout; one it lists
 * again after that is active again; one a return closed or marked unauthorized stays so. A
 * revoked item stays revoked, as for any signal (`item-health.ts`).
 */
export async function refreshItem(
  deps: { database: Database; plaid: PlaidApi; env: Env },
  item: ItemRow,
  now: Date,
): Promise<BankView> {
  const accessToken = openAccessToken(item, deps.env.encryptionKeys)
  const [itemAnswer, accountsAnswer] = await Promise.all([
    callPlaid(() => deps.plaid.itemGet({ access_token: accessToken })),
    callPlaid(() => deps.plaid.accountsGet({ access_token: accessToken })),
  ])
  const error = itemAnswer.item.error?.error_code
  const status: ItemRow['status'] = error ? 'needs_reconnect' : 'healthy'
  const listed = accountsAnswer.accounts.map((account) => account.account_id)

  await deps.database.write(async (tx) => {
    await tx
      .update(plaidItems)
      .set({ status, statusReason: error ?? null, statusChangedAt: now })
      .where(and(eq(plaidItems.id, item.id), notInArray(plaidItems.status, ['removed', 'revoked'])))
    await tx
      .update(bankAccounts)
      .set({ status: 'removed' })
      .where(
        and(
          eq(bankAccounts.itemId, item.id),
          eq(bankAccounts.status, 'active'),
          notInArray(bankAccounts.plaidAccountId, listed),
        ),
      )
    await tx
      .update(bankAccounts)
      .set({ status: 'active' })
      .where(
        and(
          eq(bankAccounts.itemId, item.id),
          eq(bankAccounts.status, 'removed'),
          inArray(bankAccounts.plaidAccountId, listed),
        ),
      )
    const known = await tx.select().from(bankAccounts).where(eq(bankAccounts.itemId, item.id))
    const added = await markDisputed(
      tx,
      item.institutionId,
      accountsAnswer.accounts
        .filter((account) => !known.some((row) => row.plaidAccountId === account.account_id))
        .map((account) => toAccountRow(account, item, now)),
    )
    if (added.length > 0) await tx.insert(bankAccounts).values(added)
    // Accounts the reconnection added can move money as a new link's can: their owner is told.
    await tellOfNewAccounts(tx, { ...item, status }, added, { publicUrl: deps.env.publicUrl, now })
  })
  const [stored, accounts] = await Promise.all([
    deps.database.db.query.plaidItems.findFirst({ where: eq(plaidItems.id, item.id) }),
    deps.database.db.select().from(bankAccounts).where(eq(bankAccounts.itemId, item.id)),
  ])
  return toBankView(stored ?? item, accounts)
}

/**
 * Removes an item at Plaid (a second removal counts as done) and marks it, and its accounts
 * still active, removed here.
 */
export async function removeItem(
  deps: { database: Database; plaid: PlaidApi; env: Env },
  item: ItemRow,
  now: Date,
): Promise<void> {
  try {
    await callPlaid(() =>
      deps.plaid.itemRemove({ access_token: openAccessToken(item, deps.env.encryptionKeys) }),
    )
  } catch (error) {
    const failure = toPlaidFailure(error)
    const gone = ['ITEM_NOT_FOUND', 'INVALID_ACCESS_TOKEN'].includes(failure.errorCode)
    if (!gone) throw failure
  }
  await deps.database.write(async (tx) => {
    await tx
      .update(plaidItems)
      .set({ status: 'removed', removedAt: now, statusChangedAt: now })
      .where(eq(plaidItems.id, item.id))
    // An account a return closed or marked unauthorized keeps saying so.
    await tx
      .update(bankAccounts)
      .set({ status: 'removed' })
      .where(and(eq(bankAccounts.itemId, item.id), eq(bankAccounts.status, 'active')))
  })
}
