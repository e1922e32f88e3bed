import { businessDateOf, postTransaction, resendPayoutPosting } from '@tenor/db/domain'
import type { Logger } from '@tenor/db/logger'
import { bankAccounts, payouts, plaidItems } from '@tenor/db/schema'
import { and, asc, desc, eq, gt, inArray } from 'drizzle-orm'
import { ApiError } from '../lib/errors.ts'
import { describeAccount, fundingSubtypes, receivingStatuses } from '../plaid/account-use.ts'
import type { PurchaseDeps } from '../purchases/deps.ts'
import { wasFundingInDoubt } from '../purchases/funding-in-doubt.ts'
import { outcomeContextOf } from '../purchases/outcomes.ts'
import { findOffering, findPurchase, ledgerRefOf } from '../purchases/records.ts'
import { noticePayoutResent, withdrawPayoutReturnedNotice } from './notices.ts'
import { pagesById } from './paging.ts'
import { findPayout, movePayout, nextAttemptKey, type PayoutRow, writeRetrying } from './records.ts'

// Held payouts are read a page at a time; there are few, but a bad day at one bank is many.
const pageSize = 200

/**
 * Sends held money again once the investor has somewhere for it to go. A maturity payout whose
 * credit came back (`returned`) or could not be delivered (`failed`) left its money in the
 * investor's held balance and asked them for a new bank account. When an account that can
 * receive money (active, checking or savings, at a healthy bank) has been linked since, the
 * payout goes back to `initiated` for that account, under its next attempt key (so Plaid sees a
 * new authorization), and the money moves from the held balance back to ACH payable in the same
 * transaction. The maturity job then sends it as any other payout. Each round has its own
 * ledger postings, and the payout's state is the guard, so a rerun sends nothing twice.
 * Answers how many payouts were sent again.
 */
export async function resendHeldPayouts(deps: PurchaseDeps, log: Logger): Promise<number> {
  let resent = 0
  const held = pagesById(pageSize, (after) =>
    deps.database.db
      .select()
      .from(payouts)
      .where(
        and(
          eq(payouts.kind, 'maturity'),
          inArray(payouts.state, ['returned', 'failed']),
          gt(payouts.id, after),
        ),
      )
      .orderBy(asc(payouts.id))
      .limit(pageSize),
  )
  for await (const page of held) {
    for (const payout of page) {
      // One that cannot be sent again is logged and left held; maturities must still run.
      try {
        // An account that was there already is not chosen for the investor: it is the one
        // that sent the money back, or one they did not pick for it. They may pick it.
        const account = await findUsableAccount(deps, payout.userId, {
          linkedAfter: payout.updatedAt,
        })
        if (!account || !(await resendTo(deps, payout, { ...account, chosen: false }))) continue
        resent += 1
        log.info('held payout sent again to a newly linked account', {
          payoutId: payout.id,
          purchaseId: payout.purchaseId,
          round: payout.resends + 1,
        })
      } catch (error) {
        log.error('could not send a held payout again; the next run tries again', {
          payoutId: payout.id,
          error,
        })
      }
    }
  }
  return resent
}

interface UsableAccount {
  id: string
  /** "Chase checking ending 0000", for the investor's email. */
  description: string
}

/**
 * The newest account of the investor that can receive money (active, checking or savings, at a
 * healthy bank): the one asked for, or any linked after `linkedAfter`.
 */
async function findUsableAccount(
  deps: PurchaseDeps,
  userId: string,
  which: { id: string } | { linkedAfter: Date },
): Promise<UsableAccount | null> {
  const [account] = await deps.database.db
    .select({
      id: bankAccounts.id,
      subtype: bankAccounts.subtype,
      mask: bankAccounts.mask,
      bankName: plaidItems.institutionName,
    })
    .from(bankAccounts)
    .innerJoin(plaidItems, eq(plaidItems.id, bankAccounts.itemId))
    .where(
      and(
        eq(bankAccounts.userId, userId),
        inArray(bankAccounts.status, [...receivingStatuses]),
        eq(bankAccounts.type, 'depository'),
        inArray(bankAccounts.subtype, [...fundingSubtypes]),
        eq(plaidItems.status, 'healthy'),
        'id' in which
          ? eq(bankAccounts.id, which.id)
          : gt(bankAccounts.createdAt, which.linkedAfter),
      ),
    )
    .orderBy(desc(bankAccounts.createdAt))
    .limit(1)

  if (!account) return null
  return { id: account.id, description: describeAccount(account.bankName, account) }
}

/**
 * The investor chooses where their held money goes: any account of theirs that can receive it,
 * one they had before included. Refused when the note's payment is not held (never sent back,
 * or already sent again) or the account cannot receive money.
 */
export async function resendHeldPaymentTo(
  deps: PurchaseDeps,
  input: { userId: string; purchaseId: string; bankAccountId: string },
  log: Logger,
): Promise<void> {
  const payout = await deps.database.db.query.payouts.findFirst({
    where: and(
      eq(payouts.purchaseId, input.purchaseId),
      eq(payouts.userId, input.userId),
      eq(payouts.kind, 'maturity'),
    ),
  })
  const held = payout?.state === 'returned' || payout?.state === 'failed'
  if (!payout || !held) throw notHeld()
  if (await wasFundingInDoubt(deps.database.db, payout.purchaseId)) {
    throw new ApiError(
      409,
      'payment_in_review',
      'This payment is on hold: your bank sent back a payment from the account that paid for this note. Our team will contact you before anything is paid.',
    )
  }
  const account = await findUsableAccount(deps, input.userId, { id: input.bankAccountId })
  if (!account) {
    throw new ApiError(
      422,
      'bank_account_unusable',
      'Choose a checking or savings account at a bank that is connected.',
    )
  }
  if (!(await resendTo(deps, payout, { ...account, chosen: true }))) throw notHeld()
  log.info('held payout sent again to the account the investor chose', {
    payoutId: payout.id,
    purchaseId: payout.purchaseId,
    round: payout.resends + 1,
  })
}

const notHeld = () =>
  new ApiError(409, 'payment_not_held', 'This payment is not waiting for a bank account.')

/**
 * One payout back to `initiated` for `account`, with its money, if it is still held; the
 * investor is told where it goes (`chosen`: they picked the account, rather than linked it).
 * Not one whose note's funding is in doubt: the maturity job would withhold it for review
 * (`sendPayout`), so the investor would be told of money on its way that is not.
 */
async function resendTo(
  deps: PurchaseDeps,
  payout: PayoutRow,
  account: UsableAccount & { chosen: boolean },
): Promise<boolean> {
  const ctx = outcomeContextOf(deps)
  return writeRetrying(deps.database, async (tx) => {
    const current = await findPayout(tx, payout.id)
    if (current?.state !== payout.state || current.idempotencyKey !== payout.idempotencyKey) {
      return false
    }
    if (await wasFundingInDoubt(tx, current.purchaseId)) return false
    const round = current.resends + 1
    const moved = await movePayout(tx, current, 'initiated', ctx.now, {
      idempotencyKey: nextAttemptKey(current.idempotencyKey),
      bankAccountId: account.id,
      authorizationId: null,
      transferId: null,
      failureCode: null,
      failureReason: null,
      settledAt: null,
      resends: round,
      resentAt: ctx.now,
    })
    if (!moved) return false
    await withdrawPayoutReturnedNotice(tx, current)

    const purchase = await findPurchase(tx, current.purchaseId)
    if (!purchase)
      throw new Error(`Purchase ${current.purchaseId} of payout ${current.id} is missing`)
    await postTransaction(
      tx,
      resendPayoutPosting({
        ...ledgerRefOf(purchase, businessDateOf(ctx.now, ctx.timeZone)),
        amountCents: current.amountCents,
        round,
      }),
    )
    await noticePayoutResent(tx, ctx, {
      purchase,
      offering: await findOffering(tx, purchase.offeringId),
      payout: { ...current, resends: round },
      account: account.description,
      chosen: account.chosen,
    })
    return true
  })
}
