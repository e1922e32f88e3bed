import type { Tx } from '@tenor/db'
import { businessDateOf, postTransaction, returnPayoutPosting } from '@tenor/db/domain'
import type { Logger } from '@tenor/db/logger'
import { bankAccounts } from '@tenor/db/schema'
import { and, eq, inArray } from 'drizzle-orm'
import { receivingStatuses } from '../plaid/account-use.ts'
import type { OutcomeContext } from '../purchases/outcomes.ts'
import { findOffering, findPurchase, ledgerRefOf } from '../purchases/records.ts'
import { noticePayoutReturned } from './notices.ts'
import { movePayout, type PayoutRow } from './records.ts'

const returnWords: Record<string, string> = {
  R02: 'your bank says this account is closed',
  R03: 'your bank could not find this account',
  R04: 'your bank says the account number is not valid',
  R16: 'your bank says this account is frozen',
  R20: 'your bank says this account cannot receive this kind of payment',
}

/** Whether an ACH code says the account itself cannot take a credit (closed, unknown, frozen). */
export function isAccountReturnCode(code: string): boolean {
  return Object.hasOwn(returnWords, code)
}

/** Why a payout came back, in plain words, then its code as the bank names it (for support). */
export function describePayoutReturn(code: string | null): string {
  const words = (code && returnWords[code]) ?? 'your bank sent the payment back'

  return code ? `${words} (bank return code ${code}).` : `${words}.`
}

export const unusableAccountReason = 'the bank account on file can no longer receive payments.'

const refusalWords: Record<string, string> = {
  ITEM_NOT_FOUND: 'the connection to your bank has ended, so the bank must be linked again.',
  ITEM_LOGIN_REQUIRED: 'your bank needs you to sign in again through Tenor.',
  ACCESS_NOT_GRANTED: 'your bank no longer lets Tenor use this account.',
  NO_ACCOUNTS: 'your bank no longer shares any accounts with Tenor.',
  USER_PERMISSION_REVOKED: "you withdrew Tenor's access at your bank.",
  USER_ACCOUNT_REVOKED: "you withdrew Tenor's access at your bank.",
  INVALID_ACCOUNT_ID: 'your bank no longer shares this account with Tenor.',
  TRANSFER_ACCOUNT_BLOCKED:
    'payments to this account are blocked because an earlier one could not be delivered.',
}

/** Why Plaid would not send a payout to the account, in plain words, with the code for support. */
export function describePayoutRefusal(code: string): string {
  const words = refusalWords[code] ?? unusableAccountReason

  return `${words} (Plaid ${code})`
}

/**
 * A payout that cannot reach the investor's bank (a return such as R02, a failure naming the
 * account, an account marked closed): the money moves from the note's payout to the investor's
 * held balance, the account is marked when the bank said why, and the investor is asked, once,
 * to link an account that can receive it. `settled` money comes back to our bank first.
 * Answers false, changing nothing, if the payout had already moved.
 */
export async function holdPayout(
  tx: Tx,
  ctx: OutcomeContext,
  payout: PayoutRow,
  input: {
    to: 'returned' | 'failed'
    at: Date
    code: string | null
    reason: string
    accountStatus: 'closed' | 'unauthorized' | 'removed' | null
    log?: Logger
  },
): Promise<boolean> {
  const moved = await movePayout(tx, payout, input.to, ctx.now, {
    failureCode: input.code,
    failureReason: input.reason,
  })
  if (!moved) return false

  const purchase = await findPurchase(tx, payout.purchaseId)
  if (!purchase) throw new Error(`Purchase ${payout.purchaseId} of payout ${payout.id} is missing`)
  await postTransaction(
    tx,
    returnPayoutPosting({
      ...ledgerRefOf(purchase, businessDateOf(input.at, ctx.timeZone)),
      amountCents: payout.amountCents,
      settled: payout.state === 'settled',
      round: payout.resends,
      memo: `Payout ${input.to}${input.code ? ` (${input.code})` : ''}; held for the investor`,
    }),
  )
  if (input.accountStatus && payout.bankAccountId) {
    await tx
      .update(bankAccounts)
      .set({ status: input.accountStatus })
      .where(
        and(
          eq(bankAccounts.id, payout.bankAccountId),
          inArray(bankAccounts.status, [...receivingStatuses]),
        ),
      )
  }

  const offering = await findOffering(tx, purchase.offeringId)
  await noticePayoutReturned(tx, ctx, { purchase, offering, payout, reason: input.reason })
  input.log?.warn('payout held for the investor; asked for a new bank account', {
    payoutId: payout.id,
    purchaseId: purchase.id,
    code: input.code,
  })

  return true
}
