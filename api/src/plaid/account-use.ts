import type { AccountRow, ItemRow } from './banks.ts'

/** Only these account kinds can be debited for a purchase or credited with a payout. */
export const fundingSubtypes = new Set(['checking', 'savings'])

/**
 * Account states a payout can still be sent to. An account whose debit came back as unauthorized
 * (R05, R07, R10, R29) is never debited again. The notes it paid for are paid nowhere until a
 * person has looked (`findFundingInDoubt`): sent elsewhere, their money would go to whoever
 * linked someone else's account; sent back, it could be paid twice, once more by each dispute.
 */
export const receivingStatuses = [
  'active',
  'unauthorized',
] as const satisfies readonly AccountRow['status'][]

/** An account that can receive a payout by our records (its bank connection aside). */
export function canReceive(account: Pick<AccountRow, 'status'>): boolean {
  return (receivingStatuses as readonly string[]).includes(account.status)
}

/** An account a payout can be sent to now: one that can receive, on a connection not ended. */
export function canPayTo(
  account: Pick<AccountRow, 'status'>,
  item: Pick<ItemRow, 'status'>,
): boolean {
  return canReceive(account) && item.status !== 'removed' && item.status !== 'revoked'
}

export type FundableAccount = Pick<AccountRow, 'status' | 'type' | 'subtype'>
export type FundableItem = Pick<ItemRow, 'status'>

/** An account that can fund a purchase (and so receive a payout) now. */
export function canFund(account: FundableAccount, item: FundableItem): boolean {
  return (
    account.status === 'active' &&
    item.status === 'healthy' &&
    account.type === 'depository' &&
    fundingSubtypes.has(account.subtype ?? '')
  )
}

/** "Chase checking ending 0000": an account by bank, kind and last digits, never its number. */
export function describeAccount(
  bankName: string | null,
  account: Pick<AccountRow, 'subtype' | 'mask'>,
): string {
  return `${bankName ?? 'bank'} ${kindAndMask(account)}`
}

/** "checking ending 0000". */
export function kindAndMask(account: Pick<AccountRow, 'subtype' | 'mask'>): string {
  return `${account.subtype ?? 'account'}${account.mask ? ` ending ${account.mask}` : ''}`
}
