import type { AccountRow, ItemRow } from './banks.ts'

/** Only these account kinds can be debited for a purchase or credited with a payout. */
export const fundingSubtypes = new Set(['checking', 'savings'])

/** An account that can fund a purchase and receive a payout now. */
export function canFund(account: AccountRow, item: ItemRow): boolean {
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
