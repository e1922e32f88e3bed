/**
 * Why a purchase did not go through, in words an investor understands. Codes are Plaid's
 * decision rationales, Plaid error codes and NACHA return codes (money.md §3.5).
 */

const declineReasons: Record<string, string> = {
  NSF: 'Your bank balance is not enough for this purchase right now. No money moved.',
  RISK: 'We could not approve a debit from this bank account. No money moved. Try another account.',
  TRANSFER_LIMIT_REACHED:
    'This purchase is above the bank transfer limit for now. No money moved. Try a smaller amount later.',
}

const reconnectReason =
  'Your bank needs you to sign in again before we can debit it. No money moved. Reconnect the bank and buy again.'

const returnReasons: Record<string, string> = {
  R01: 'Your bank returned the payment for insufficient funds.',
  R02: 'Your bank says this account is closed. Link another account to buy again.',
  R03: 'Your bank could not find this account. Link another account to buy again.',
  R04: 'Your bank says the account number is not valid. Link the account again.',
  R05: 'Your bank reported the debit as unauthorized. We will not debit this account again.',
  R07: 'You revoked the authorization for this debit. We will not debit this account again.',
  R08: 'The payment was stopped at your bank.',
  R09: 'Your bank returned the payment because the funds were not yet available.',
  R10: 'Your bank reported the debit as unauthorized. We will not debit this account again.',
  R16: 'Your bank says this account is frozen.',
  R20: 'Your bank says this account cannot be debited.',
  R29: 'Your bank reported the debit as unauthorized. We will not debit this account again.',
}

/** Codes that mean the investor must sign in to their bank again through Link. */
export const reconnectCodes = new Set([
  'ITEM_LOGIN_REQUIRED',
  'PAYMENT_PROFILE_LOGIN_REQUIRED',
  'USER_ACTION_REQUIRED',
])

/** A declined authorization (NSF, RISK, TRANSFER_LIMIT_REACHED) in plain words. */
export function describeDecline(code: string | null): string {
  return (code && declineReasons[code]) ?? 'Your bank did not approve this debit. No money moved.'
}

/** An ACH return in plain words, then its code as the bank names it (for support, and the bank). */
export function describeReturn(code: string | null): string {
  const words =
    (code && returnReasons[code]) ?? 'Your bank returned the payment, so the purchase was undone.'

  return code ? `${words} Bank return code: ${code}.` : words
}

/** A Plaid refusal (an error, not a decision) or a transfer that failed before money moved. */
export function describeFailure(code: string | null): string {
  if (code && reconnectCodes.has(code)) return reconnectReason
  if (code && declineReasons[code]) return describeDecline(code)

  return 'The bank transfer could not be made, so no money moved. Try again or use another account.'
}

export const cancelledReason = 'You cancelled this purchase before the bank transfer was sent.'

/** Why Tenor, not the investor, cancelled a purchase before its debit was sent. */
export const cancelledByTenorReasons = {
  refund:
    'Tenor cancelled this purchase before the bank transfer was sent, as your refund was approved.',
  offering_cancelled:
    'Tenor cancelled this purchase before the bank transfer was sent, because the offering was cancelled.',
} as const
