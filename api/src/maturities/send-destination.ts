import type { Logger } from '@tenor/db/logger'
import { bankAccounts, plaidItems, users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import { canPayTo } from '../plaid/account-use.ts'
import { openAccessToken } from '../plaid/banks.ts'
import type { PlaidFailure } from '../plaid/errors.ts'
import { applyItemSignal } from '../plaid/item-health.ts'
import {
  accountStatusForRefusal,
  type RefusedAccountStatus,
  scopeOfRefusal,
} from '../plaid/refusals.ts'
import type { PurchaseDeps } from '../purchases/deps.ts'
import type { FundingSource } from '../purchases/funding.ts'
import { outcomeContextOf } from '../purchases/outcomes.ts'
import { describePayoutRefusal, holdPayout, unusableAccountReason } from './hold.ts'
import { findPayout, type PayoutRow, writeRetrying } from './records.ts'
import type { SendOutcome } from './send.ts'
import { abandonAuthorization } from './send-release.ts'

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
  if (!row || !canPayTo(row.account, row.item)) return null

  return {
    accessToken: openAccessToken(row.item, deps.env.encryptionKeys),
    plaidAccountId: row.account.plaidAccountId,
    plaidItemId: row.item.plaidItemId,
    legalName: row.legalName,
  }
}

/** Why a payout is held instead of sent, and what becomes of its account. */
export interface Undeliverable {
  code: string
  reason: string
  accountStatus: RefusedAccountStatus | null
}

const unusable: Undeliverable = {
  code: 'ACCOUNT_UNUSABLE',
  reason: unusableAccountReason,
  accountStatus: null,
}

/**
 * Holds the money of a payout that cannot reach its account: one that can no longer receive
 * money by our records (the default), or one Plaid refused for good. Only without an
 * authorization, checked again inside the transaction: with one, a credit may already be on its
 * way, so it is first given up, which asks Plaid whether a transfer came of it.
 */
export async function holdUndeliverable(
  deps: PurchaseDeps,
  payout: PayoutRow,
  log: Logger,
  why: Undeliverable = unusable,
): Promise<SendOutcome> {
  if (payout.authorizationId) {
    const given = await abandonAuthorization(deps, payout, payout.authorizationId, why.code, log)
    if (given !== 'refused') return given
    const released = await findPayout(deps.database.db, payout.id)

    return released?.authorizationId === null
      ? holdUndeliverable(deps, released, log, why)
      : 'skipped'
  }

  const ctx = outcomeContextOf(deps)
  const held = await writeRetrying(deps.database, async (tx) => {
    const current = await findPayout(tx, payout.id)
    if (current?.state !== 'initiated' || current.authorizationId !== null) return false
    if (current.idempotencyKey !== payout.idempotencyKey) return false
    return holdPayout(tx, ctx, current, {
      to: 'failed',
      at: ctx.now,
      code: why.code,
      reason: why.reason,
      accountStatus: why.accountStatus,
      log,
    })
  })

  return held ? 'held' : 'skipped'
}

/**
 * A refusal Plaid will repeat whatever we send, for this account or its whole connection: the
 * item's health follows the code (so nothing else is sent there until the investor acts), the
 * account is marked when the code is about it alone, and the money is held for the investor to
 * send elsewhere, as after a return.
 */
export async function holdRefused(
  deps: PurchaseDeps,
  input: { payout: PayoutRow; destination: FundingSource; failure: PlaidFailure },
  log: Logger,
): Promise<SendOutcome> {
  const { payout, destination, failure } = input
  const scope = scopeOfRefusal(failure)
  log.warn('plaid refused the payout for this account; it is held for the investor', {
    payoutId: payout.id,
    code: failure.errorCode,
    scope,
  })
  // The item first: should the hold not be written, the next run meets the same refusal (or
  // finds the bank unusable) and holds the money all the same.
  if (scope === 'item') {
    await applyItemSignal(deps.database, {
      plaidItemId: destination.plaidItemId,
      signal: failure.errorCode,
      now: deps.clock.now(),
      publicUrl: deps.env.publicUrl,
    })
  }

  return holdUndeliverable(deps, payout, log, {
    code: failure.errorCode,
    reason: describePayoutRefusal(failure.errorCode),
    accountStatus: scope === 'account' ? accountStatusForRefusal(failure.errorCode) : null,
  })
}
