import { type Database, type Db, newId, type Tx } from '@tenor/db'
import type { Env } from '@tenor/db/env'
import { bankAccounts, plaidItems } from '@tenor/db/schema'
import { and, eq, inArray, notInArray } from 'drizzle-orm'
import type { Item, PlaidApi } from 'plaid'
import { encrypt } from '../lib/crypto.ts'
import {
  type AccountRow,
  type BankView,
  type ItemRow,
  plainName,
  toAccountRow,
  toBankView,
} from './banks.ts'
import { markDisputed } from './disputed-accounts.ts'
import { callPlaid, toPlaidFailure } from './errors.ts'
import { tellOfNewAccounts } from './new-accounts-notice.ts'

/**
 * True when the user already has a live item at this institution with the same account masks:
 * Plaid's advice is to refuse such a link before exchanging, since some banks invalidate the
 * older item when a second one appears. Read inside the write that stores an item, it also
 * settles two links of one bank at once.
 */
export async function isDuplicateItem(
  db: Db | Tx,
  userId: string,
  institutionId: string | null,
  masks: (string | null)[],
): Promise<boolean> {
  if (!institutionId) return false
  const existing = await db
    .select({ id: plaidItems.id })
    .from(plaidItems)
    .where(
      and(
        eq(plaidItems.userId, userId),
        eq(plaidItems.institutionId, institutionId),
        // A revoked link can never be repaired, so linking the bank again is how it comes back.
        notInArray(plaidItems.status, ['removed', 'revoked']),
      ),
    )
  if (existing.length === 0) return false
  const wanted = new Set(masks.filter((mask): mask is string => mask !== null))
  if (wanted.size === 0) return true
  const held = await db
    .select({ mask: bankAccounts.mask, itemId: bankAccounts.itemId })
    .from(bankAccounts)
    .where(
      inArray(
        bankAccounts.itemId,
        existing.map((row) => row.id),
      ),
    )
  return existing.some((item) => {
    const masksOfItem = new Set(held.filter((h) => h.itemId === item.id).map((h) => h.mask))
    return [...wanted].every((mask) => masksOfItem.has(mask))
  })
}

/**
 * A link that stored nothing: the bank is already linked (the item itself, or the same
 * institution and accounts), or the public token was spent already (Plaid exchanges one once:
 * the same form sent twice) or expired.
 */
export type LinkRefusal = 'duplicate_bank' | 'public_token_spent'

type Exchanged = { access_token: string; item_id: string }

/**
 * Exchanges a public token and stores the item and its accounts. The Plaid calls come first and
 * the write after, in one transaction that checks again, with Plaid's own institution and
 * masks, that the bank is not linked already. Only an item we did not store is removed at
 * Plaid, so no connection is left behind that we cannot see, and none we use is ended.
 */
export async function linkItem(
  deps: { database: Database; plaid: PlaidApi; env: Env },
  input: { userId: string; publicToken: string; now: Date },
): Promise<{ bank: BankView } | { refused: LinkRefusal }> {
  const { database, plaid, env } = deps
  let exchanged: Exchanged
  try {
    // Safe to repeat: a retry after a lost reply finds the token spent, and creates nothing.
    exchanged = await callPlaid(() =>
      plaid.itemPublicTokenExchange({ public_token: input.publicToken }),
    )
  } catch (error) {
    if (toPlaidFailure(error).errorCode === 'INVALID_PUBLIC_TOKEN') {
      return { refused: 'public_token_spent' }
    }
    throw error
  }

  let stored: { bank: BankView } | { refused: 'same_item' | 'same_bank' }
  try {
    const [itemAnswer, accountsAnswer] = await Promise.all([
      callPlaid(() => plaid.itemGet({ access_token: exchanged.access_token })),
      callPlaid(() => plaid.accountsGet({ access_token: exchanged.access_token })),
    ])
    const item = toItemRow(itemAnswer.item, exchanged, input, env)
    const accounts = accountsAnswer.accounts.map((account) =>
      toAccountRow(account, item, input.now),
    )
    stored = await database.write((tx) => storeItem(tx, item, accounts, env.publicUrl))
  } catch (error) {
    await removeUnstoredItem(deps, exchanged)
    throw error
  }

  if ('bank' in stored) return stored
  if (stored.refused === 'same_bank') await removeUnstoredItem(deps, exchanged)

  return { refused: 'duplicate_bank' }
}

/**
 * Stores a new item and its accounts, unless it, or the same bank, is stored already, and tells
 * the owner in the same transaction: a linked account can fund purchases and receive payouts.
 */
async function storeItem(
  tx: Tx,
  item: ItemRow,
  accounts: AccountRow[],
  publicUrl: string,
): Promise<{ bank: BankView } | { refused: 'same_item' | 'same_bank' }> {
  // Exchanging a public token of an item we hold (update mode's) answers that same item.
  const same = await tx.query.plaidItems.findFirst({
    where: eq(plaidItems.plaidItemId, item.plaidItemId),
    columns: { id: true },
  })
  if (same) return { refused: 'same_item' }
  const masks = accounts.map((account) => account.mask)
  if (await isDuplicateItem(tx, item.userId, item.institutionId, masks)) {
    return { refused: 'same_bank' }
  }

  const marked = await markDisputed(tx, item.institutionId, accounts)
  await tx.insert(plaidItems).values(item)
  if (marked.length > 0) await tx.insert(bankAccounts).values(marked)
  await tellOfNewAccounts(tx, item, marked, { publicUrl, now: item.createdAt })
  return { bank: toBankView(item, marked) }
}

/**
 * Removes at Plaid an item we hold no row for. When the row cannot be looked for (the database
 * is down, say) the item is left alone: a stored item removed at Plaid would fail every
 * transfer, while an unstored one left behind only costs Plaid a connection.
 */
async function removeUnstoredItem(
  deps: { database: Database; plaid: PlaidApi },
  exchanged: Exchanged,
): Promise<void> {
  const row = await deps.database.db.query.plaidItems
    .findFirst({ where: eq(plaidItems.plaidItemId, exchanged.item_id), columns: { id: true } })
    .catch(() => 'unknown' as const)
  if (row !== undefined) return

  await deps.plaid.itemRemove({ access_token: exchanged.access_token }).catch(() => undefined)
}

function toItemRow(
  answer: Pick<Item, 'institution_id' | 'institution_name'>,
  exchanged: Exchanged,
  input: { userId: string; now: Date },
  env: Env,
): ItemRow {
  return {
    id: newId(),
    userId: input.userId,
    plaidItemId: exchanged.item_id,
    accessToken: encrypt(
      exchanged.access_token,
      env.encryptionKeys,
      `plaid-item:${exchanged.item_id}`,
    ),
    institutionId: answer.institution_id ?? null,
    institutionName: answer.institution_name ? plainName(answer.institution_name) : null,
    status: 'healthy',
    statusReason: null,
    statusChangedAt: input.now,
    createdAt: input.now,
    removedAt: null,
  }
}
