import { bankAccounts, plaidItems, users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import {
  ACHClass,
  type TransferAuthorization,
  TransferAuthorizationDecision,
  TransferNetwork,
  TransferType,
} from 'plaid'
import { openAccessToken } from '../plaid/banks.ts'
import { callPlaid } from '../plaid/errors.ts'
import type { PurchaseDeps } from './deps.ts'
import { describeDecline, describeFailure, reconnectCodes } from './reasons.ts'
import type { PurchaseRow } from './records.ts'

/** The ACH entry description the investor's statement shows (Plaid allows 10 characters). */
export const achDescription = 'TENOR NOTE'

/** Where a purchase's money comes from: the account, its item's access token, the payer. */
export interface FundingSource {
  accessToken: string
  plaidAccountId: string
  plaidItemId: string
  legalName: string
}

export async function loadFundingSource(
  deps: PurchaseDeps,
  purchase: PurchaseRow,
): Promise<FundingSource> {
  const row = await deps.database.db
    .select({ account: bankAccounts, item: plaidItems, legalName: users.legalName })
    .from(bankAccounts)
    .innerJoin(plaidItems, eq(plaidItems.id, bankAccounts.itemId))
    .innerJoin(users, eq(users.id, bankAccounts.userId))
    .where(eq(bankAccounts.id, purchase.bankAccountId))
    .get()
  if (!row) throw new Error(`Bank account of purchase ${purchase.id} is missing`)

  return {
    accessToken: openAccessToken(row.item, deps.env.encryptionKeys),
    plaidAccountId: row.account.plaidAccountId,
    plaidItemId: row.item.plaidItemId,
    legalName: row.legalName,
  }
}

/** Whole cents as a plain decimal, as Plaid and the CSV statement want it: 123456 → "1234.56". */
export function formatDecimalAmount(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`
}

/**
 * Asks Plaid to authorize the debit under `idempotencyKey` (the purchase id, or `renew:{id}` for
 * one replacing an expiring authorization), so asking again (a retry, or reconciliation after a
 * lost reply) answers the same authorization, never a second one.
 */
export async function requestAuthorization(
  deps: PurchaseDeps,
  purchase: PurchaseRow,
  source: FundingSource,
  idempotencyKey: string,
): Promise<TransferAuthorization> {
  const answer = await callPlaid(() =>
    deps.plaid.transferAuthorizationCreate({
      access_token: source.accessToken,
      account_id: source.plaidAccountId,
      type: TransferType.Debit,
      network: TransferNetwork.Ach,
      amount: formatDecimalAmount(purchase.amountCents),
      ach_class: ACHClass.Web,
      user: { legal_name: source.legalName },
      user_present: true,
      idempotency_key: idempotencyKey,
    }),
  )

  return answer.authorization
}

export type AuthorizationVerdict =
  | { proceed: true; note: string }
  | { proceed: false; code: string; reason: string; itemSignal: string | null }

/**
 * The policy for Plaid's decision (docs/decisions/0004-purchases.md): declined is a failed
 * purchase with the rationale in plain words. Approved with ITEM_LOGIN_REQUIRED (or the older
 * user_action_required) fails too, and the item is marked for reconnecting: a debit from an
 * account we cannot see is the riskiest kind. Approved with another rationale
 * (MANUALLY_VERIFIED_ITEM, MIGRATED_ACCOUNT_ITEM, ERROR) proceeds, recorded on the purchase:
 * Plaid could not run every check, and the return window covers that risk.
 */
export function judgeAuthorization(authorization: TransferAuthorization): AuthorizationVerdict {
  const code = authorization.decision_rationale?.code ?? null
  if (authorization.decision === TransferAuthorizationDecision.Declined) {
    return {
      proceed: false,
      code: code ?? 'DECLINED',
      reason: describeDecline(code),
      itemSignal: null,
    }
  }
  const needsLogin =
    authorization.decision === TransferAuthorizationDecision.UserActionRequired ||
    (code !== null && reconnectCodes.has(code))
  if (needsLogin) {
    const loginCode = code ?? 'USER_ACTION_REQUIRED'
    return {
      proceed: false,
      code: loginCode,
      reason: describeFailure(loginCode),
      itemSignal: 'ITEM_LOGIN_REQUIRED',
    }
  }

  return { proceed: true, note: code ? `approved (${code})` : 'approved' }
}
