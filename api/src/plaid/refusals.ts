import type { bankAccountStatuses } from '@tenor/db/schema'
import type { PlaidFailure } from './errors.ts'

/** What an account becomes when Plaid refuses it for good. */
export type RefusedAccountStatus = Extract<
  (typeof bankAccountStatuses)[number],
  'closed' | 'removed'
>

/**
 * What a Plaid refusal of a transfer (an error from `/transfer/authorization/create` or
 * `/transfer/create`, not a declined decision) means for asking again:
 * - `transient`: Plaid or the bank did not answer; the same request may well succeed later;
 * - `account`: this bank account cannot take the transfer, whatever we send;
 * - `item`: the bank connection cannot be used until the investor acts (signs in again, or
 *   links the bank again);
 * - `ours`: a request Plaid finds wrong, our configuration or limits; a person fixes it and the
 *   same request then goes through, so it is asked again, loudly.
 */
export type RefusalScope = 'transient' | 'account' | 'item' | 'ours'

/**
 * Codes that are permanent for the account, with the status the account takes: one Plaid no
 * longer knows (closed at the bank, or replaced when the investor reconnected) is removed, and
 * one Plaid blocks after an earlier transfer to it came back (closed, frozen) is closed. An
 * account of a kind that cannot take transfers keeps its status: Plaid should never list one
 * as checking or savings, and it funds nothing either way.
 */
const accountRefusals: Record<string, RefusedAccountStatus | null> = {
  INVALID_ACCOUNT_ID: 'removed',
  TRANSFER_ACCOUNT_BLOCKED: 'closed',
  TRANSFER_UNSUPPORTED_ACCOUNT_TYPE: null,
}

/**
 * Codes that are permanent for the connection (Plaid's item errors). INVALID_ACCESS_TOKEN is
 * left out on purpose: Plaid also answers it for a token of another environment, a
 * configuration mistake that would otherwise hold every payout and mark every bank.
 */
const itemRefusals = new Set([
  'ITEM_NOT_FOUND',
  'ITEM_LOGIN_REQUIRED',
  'ACCESS_NOT_GRANTED',
  'NO_ACCOUNTS',
  'PRODUCTS_NOT_SUPPORTED',
  'USER_PERMISSION_REVOKED',
  'USER_ACCOUNT_REVOKED',
])

/** The scope of a refusal: whether asking again can help, and what cannot take the transfer. */
export function scopeOfRefusal(failure: PlaidFailure): RefusalScope {
  if (failure.transient) return 'transient'
  if (isAccountRefusal(failure.errorCode)) return 'account'
  if (itemRefusals.has(failure.errorCode)) return 'item'

  return 'ours'
}

/** Whether a Plaid code refuses the account itself, for good. */
export function isAccountRefusal(code: string): boolean {
  return Object.hasOwn(accountRefusals, code)
}

/** The status an account takes after a refusal permanent for it; null leaves it as it is. */
export function accountStatusForRefusal(code: string): RefusedAccountStatus | null {
  return accountRefusals[code] ?? null
}
