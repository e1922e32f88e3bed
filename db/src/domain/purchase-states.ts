/**
 * A purchase's life follows its ACH debit (money.md §3.5, docs/decisions/0004-purchases.md).
 * `initiated` holds capacity before any transfer exists; `pending`, `processing` and `active`
 * follow the transfer's pending, posted and settled; `matured` and `paid` come from the
 * maturity workers. `failed`, `cancelled`, `returned` and `paid` are final for every move
 * `canTransition` allows: no Plaid event or worker moves them. One move outside it is made
 * by two administrators alone: a `matured` or `paid` note whose own debit came back after it
 * matured, its payout never sent or held, is closed as `returned`
 * (`api/src/maturities/cancel-payout.ts`).
 */

export const purchaseStates = [
  'initiated',
  'pending',
  'processing',
  'active',
  'matured',
  'paid',
  'failed',
  'cancelled',
  'returned',
] as const
export type PurchaseState = (typeof purchaseStates)[number]

/**
 * Every move a purchase may make. Events are applied in event order, but a state may be
 * skipped (a settled transfer whose posted event we never saw), so `pending` may go straight to
 * `active` or `returned`. Nothing ever moves back, and a final state never moves again.
 */
const transitions: Record<PurchaseState, readonly PurchaseState[]> = {
  initiated: ['pending', 'failed', 'cancelled'],
  pending: ['processing', 'active', 'failed', 'cancelled', 'returned'],
  processing: ['active', 'returned'],
  // A return after maturity would claw back a paid note; it is left to a person (see 0004).
  active: ['returned', 'matured'],
  matured: ['paid'],
  paid: [],
  failed: [],
  cancelled: [],
  returned: [],
}

/** Tells whether a purchase may move from one state to another. */
export function canTransition(from: PurchaseState, to: PurchaseState): boolean {
  return transitions[from].includes(to)
}

/** Tells whether a state is final. */
export function isFinalState(state: PurchaseState): boolean {
  return transitions[state].length === 0
}

/** States in which a purchase holds offering capacity and is owed to the investor. */
export const holdingStates = [
  'initiated',
  'pending',
  'processing',
  'active',
  'matured',
] as const satisfies readonly PurchaseState[]

/** States that undo a purchase: capacity goes back and the ledger is reversed, once. */
export const undoneStates = [
  'failed',
  'cancelled',
  'returned',
] as const satisfies readonly PurchaseState[]
export type UndoneState = (typeof undoneStates)[number]

export function isUndoneState(state: PurchaseState): state is UndoneState {
  return (undoneStates as readonly PurchaseState[]).includes(state)
}

/**
 * The state a Plaid transfer event moves its purchase to; null for events that change nothing
 * (`pending`, sweeps, refunds). `funds_available` comes after settlement and keeps it active.
 */
export function stateForTransferEvent(
  eventType: string,
): 'processing' | 'active' | UndoneState | null {
  switch (eventType) {
    case 'posted':
      return 'processing'
    case 'settled':
    case 'funds_available':
      return 'active'
    case 'failed':
      return 'failed'
    case 'cancelled':
      return 'cancelled'
    case 'returned':
      return 'returned'
    default:
      return null
  }
}

/**
 * What an ACH return code says about the account it came from (money.md §3.5): closed or
 * missing accounts (R02, R03) cannot be debited again, and unauthorized returns (R05, R07, R10,
 * R29) forbid any further debit without a new authorization. Other codes leave it usable.
 */
export function bankAccountStatusForReturn(code: string | null): 'closed' | 'unauthorized' | null {
  if (code === 'R02' || code === 'R03') return 'closed'
  if (code === 'R05' || code === 'R07' || code === 'R10' || code === 'R29') return 'unauthorized'

  return null
}
