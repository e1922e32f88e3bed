import type { Logger } from '@tenor/db/logger'
import { bankAccounts, plaidItems, users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import { openAccessToken } from '../plaid/banks.ts'
import type { PurchaseDeps } from '../purchases/deps.ts'
import type { FundingSource } from '../purchases/funding.ts'
import { outcomeContextOf } from '../purchases/outcomes.ts'
import { holdPayout, unusableAccountReason } from './hold.ts'
import { findPayout, type PayoutRow, writeRetrying } from './records.ts'
import type { SendOutcome } from './send.ts'
import { abandonAuthorization } from './send-transfer.ts'

/** Where the payout goes; null when the account can no longer receive money. */
export async function loadDestination(
  deps: PurchaseDeps,
  payout: PayoutRow,
): Promise<FundingSource | null> {
  if (!payout.bankAccountId) return null
  const row = await deps.database.db
    .select({ account: bankAccounts, item: plaidItems, legalName: users.legalName })
    .from(bankAccounts)
    .innerJoin(plaidItems, eq(plaidItems.id, bankAccounts.itemId))
    .innerJoin(users, eq(users.id, bankAccounts.userId))
    .where(eq(bankAccounts.id, payout.bankAccountId))
    .get()
  if (row?.account.status !== 'active') return null
  if (row.item.status === 'removed' || row.item.status === 'revoked') return null

  return {
    accessToken: openAccessToken(row.item, deps.env.encryptionKeys),
    plaidAccountId: row.account.plaidAccountId,
    plaidItemId: row.item.plaidItemId,
    legalName: row.legalName,
  }
}

/**
 * Holds the money of a payout whose account cannot receive it. Only without an authorization,
 * checked again inside the transaction: with one, a credit may already be on its way, so it is
 * first given up, which asks Plaid whether a transfer came of it.
 */
export async function holdUnusable(
  deps: PurchaseDeps,
  payout: PayoutRow,
  log: Logger,
): Promise<SendOutcome> {
  if (payout.authorizationId) {
    const code = 'ACCOUNT_UNUSABLE'
    const given = await abandonAuthorization(deps, payout, payout.authorizationId, code, log)
    if (given !== 'refused') return given
    const released = await findPayout(deps.database.db, payout.id)

    return released?.authorizationId === null ? holdUnusable(deps, released, log) : 'skipped'
  }

  const ctx = outcomeContextOf(deps)
  const held = await writeRetrying(deps.database, async (tx) => {
    const current = await findPayout(tx, payout.id)
    if (current?.state !== 'initiated' || current.authorizationId !== null) return false
    return holdPayout(tx, ctx, current, {
      to: 'failed',
      at: ctx.now,
      code: 'ACCOUNT_UNUSABLE',
      reason: unusableAccountReason,
      accountStatus: null,
      log,
    })
  })

  return held ? 'held' : 'skipped'
}
