import type { AdminPurchase } from '#lib/server/admin-purchases.ts'

// Every state the API knows, in the order a purchase moves through them, as the console names
// them (the investor's words speak of "your bank"); a state the API adds or drops fails the
// typecheck here.
const adminWords: Record<AdminPurchase['state'], string> = {
  initiated: 'Initiated: debit being authorized',
  pending: 'Pending: debit made, not yet sent',
  processing: 'Processing: debit posted',
  active: 'Active: earning interest',
  matured: 'Matured: payout under way',
  paid: 'Paid',
  failed: 'Failed',
  cancelled: 'Cancelled',
  returned: 'Returned by the bank',
}

/** A purchase state as the console shows it. */
export function describeAdminPurchaseState(state: AdminPurchase['state']): string {
  return adminWords[state]
}

/** Options for a state filter, in plain words. */
export const purchaseStateOptions = Object.entries(adminWords).map(([value, label]) => ({
  value,
  label,
}))

/** How a state's badge looks: earning or paid, stopped, finished, or still moving. */
export function purchaseStateTone(
  state: AdminPurchase['state'],
): 'ok' | 'warn' | 'bad' | 'neutral' {
  if (state === 'active' || state === 'paid') return 'ok'
  if (state === 'failed' || state === 'returned') return 'bad'
  if (state === 'cancelled' || state === 'matured') return 'neutral'
  return 'warn'
}
