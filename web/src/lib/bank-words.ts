/** Plain words for a bank connection's health, for the banks pages and the purchase pages. */

type BankStatus = 'healthy' | 'needs_reconnect' | 'revoked' | 'removed'

const statusWords: Record<BankStatus, string> = {
  healthy: 'Connected',
  needs_reconnect: 'Sign in again',
  revoked: 'Access withdrawn',
  removed: 'Removed',
}

export function describeBankStatus(status: BankStatus): string {
  return statusWords[status]
}

// The API keeps Plaid's signal as the reason; investors get what it means for them.
const reasonWords: Record<string, string> = {
  ITEM_LOGIN_REQUIRED:
    'Your bank asked you to sign in again, often after a password or security change. Purchases from it are paused until you reconnect.',
  PENDING_DISCONNECT:
    'This connection stops working within a week. It works until then; reconnect before then to keep using it.',
  PENDING_EXPIRATION:
    'Your permission for this connection expires within a week. It works until then; reconnect before then to keep using it.',
  ACCESS_NOT_GRANTED:
    'Tenor no longer has permission to use this account. Reconnect and allow access to keep using it.',
  USER_PERMISSION_REVOKED:
    "You withdrew Tenor's access at your bank. Link it again to use it; you can remove this one.",
  USER_ACCOUNT_REVOKED:
    "You withdrew Tenor's access at your bank. Link it again to use it; you can remove this one.",
  ITEM_NOT_FOUND:
    'This connection to your bank has ended. Link it again to use it; you can remove this one.',
  NO_ACCOUNTS:
    'Your bank no longer shares any accounts with Tenor. Reconnect and choose the accounts to share.',
  NEW_ACCOUNTS_AVAILABLE:
    'Your bank has accounts you have not shared with Tenor yet. Update the connection to add them.',
}

export function describeBankReason(status: BankStatus, reason: string | null): string | null {
  if (reason && reasonWords[reason]) return reasonWords[reason]
  if (status === 'needs_reconnect') return reasonWords.ITEM_LOGIN_REQUIRED ?? null
  if (status === 'revoked') return reasonWords.USER_PERMISSION_REVOKED ?? null
  return null
}

// Reasons a connection that still works is worth a visit to update mode.
const updateReasons = new Set([
  'NEW_ACCOUNTS_AVAILABLE',
  'PENDING_DISCONNECT',
  'PENDING_EXPIRATION',
])

/**
 * Whether update mode is the way forward: a login to repair, one to renew before it stops
 * working, or new accounts to add.
 */
export function canReconnect(status: BankStatus, reason: string | null): boolean {
  return status === 'needs_reconnect' || (status === 'healthy' && updateReasons.has(reason ?? ''))
}

/** "Update accounts" when only accounts are to be added; otherwise the connection is renewed. */
export function reconnectLabel(reason: string | null): string {
  return reason === 'NEW_ACCOUNTS_AVAILABLE' ? 'Update accounts' : 'Reconnect'
}

/** "••••0000", read by screen readers as "ending 0000". */
export function maskWords(mask: string | null): { shown: string; spoken: string } {
  if (!mask) return { shown: '—', spoken: 'number not shared' }
  return { shown: `••••${mask}`, spoken: `ending ${mask}` }
}

const subtypeWords: Record<string, string> = {
  checking: 'Checking',
  savings: 'Savings',
  'credit card': 'Credit card',
  'money market': 'Money market',
  cd: 'Certificate of deposit',
}

export function describeSubtype(subtype: string | null): string {
  if (!subtype) return 'Account'
  return subtypeWords[subtype] ?? subtype.charAt(0).toUpperCase() + subtype.slice(1)
}
