import type { AdminPurchase } from '#lib/server/admin-purchases.ts'
import { describePurchaseState } from './purchase-words.ts'

// Every state the API knows, in the order a purchase moves through them; a state it adds or
// drops fails the typecheck here.
const order: Record<AdminPurchase['state'], number> = {
  initiated: 1,
  pending: 2,
  processing: 3,
  active: 4,
  matured: 5,
  paid: 6,
  failed: 7,
  cancelled: 8,
  returned: 9,
}

/** Options for a state filter, in plain words. */
export const purchaseStateOptions = Object.entries(order)
  .sort(([, a], [, b]) => a - b)
  .map(([value]) => ({
    value,
    label: describePurchaseState(value as AdminPurchase['state']),
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
