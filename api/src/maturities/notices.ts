import type { Tx } from '@tenor/db'
import { type CalendarDate, formatBasisPoints } from '@tenor/db/domain'
import { bankAccounts, type EarlyRepaymentReason, plaidItems, users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import type { RenderedEmail } from '../lib/emails.ts'
import {
  earlyRepayment,
  maturityPaid,
  maturityReminder,
  payoutResent,
  payoutReturned,
  rolloverDone,
  rolloverRateFell,
} from '../lib/note-emails.ts'
import { enqueueEmail, withdrawEmail, withdrawEmailsStartingWith } from '../lib/outbox.ts'
import { describeAccount } from '../plaid/account-use.ts'
import { earlyRepaymentKey, type NoticeContext } from '../purchases/notices.ts'
import type { OfferingRow, PurchaseRow } from '../purchases/records.ts'
import { formatUsd } from '../routes/offerings/offerings.amounts.ts'
import type { PayoutRow } from './records.ts'

/**
 * Emails about maturities, written to the outbox in the transaction that records the event,
 * each under a key naming the event, so a rerun after a crash writes no second message.
 */

async function sendNotice(
  tx: Tx,
  ctx: NoticeContext,
  userId: string,
  email: { kind: string; dedupeKey: string },
  render: (name: string) => RenderedEmail,
): Promise<void> {
  const owner = await tx.query.users.findFirst({ where: eq(users.id, userId) })
  if (!owner) return

  await enqueueEmail(
    tx,
    { ...email, userId: owner.id, to: owner.email, ...render(owner.legalName) },
    ctx.now,
  )
}

const maturityReminderKey = (purchaseId: string) => `maturity-reminder:${purchaseId}`
const rolloverDoneKey = (purchaseId: string) => `rollover-done:${purchaseId}`
/** What every "rate fell" key of a note starts with; the rate it fell to follows. */
const rolloverRateFellKeys = (purchaseId: string) => `rollover-rate-fell:${purchaseId}:`

/**
 * Withdraws, while still unsent, what was written about a note before its rollover chain was
 * closed as returned: its maturity reminder, its early repayment, the news that it rolled over,
 * and a fall in the rate it was to roll into. None holds any more; the email about the closing
 * says what does.
 */
export async function withdrawNoticesOfClosedNote(tx: Tx, purchaseId: string): Promise<void> {
  await withdrawEmail(tx, earlyRepaymentKey(purchaseId))
  await withdrawEmail(tx, maturityReminderKey(purchaseId))
  await withdrawEmail(tx, rolloverDoneKey(purchaseId))
  await withdrawEmailsStartingWith(tx, rolloverRateFellKeys(purchaseId))
}

const wordsOf = (purchase: PurchaseRow, offering: OfferingRow) => ({
  offeringName: offering.name,
  maturityDate: purchase.maturityDate ?? '',
})

/** The note's words with the amount its payout carries. */
const payoutWordsOf = (purchase: PurchaseRow, offering: OfferingRow, payout: PayoutRow) => ({
  ...wordsOf(purchase, offering),
  amount: formatUsd(payout.amountCents),
})

export function noticeMaturityReminder(
  tx: Tx,
  ctx: NoticeContext,
  purchase: PurchaseRow,
  offering: OfferingRow,
  input: { plan: string; cutoffDate: string },
): Promise<void> {
  const url = `${ctx.publicUrl}/purchases/${purchase.id}`

  return sendNotice(
    tx,
    ctx,
    purchase.userId,
    { kind: 'maturity_reminder', dedupeKey: maturityReminderKey(purchase.id) },
    (name) => maturityReminder(name, { ...wordsOf(purchase, offering), ...input }, url),
  )
}

/**
 * Tells the investor that Tenor repays their note early, once per note
 * (`early-repayment:{purchaseId}`), whichever reason came first.
 */
export function noticeEarlyRepayment(
  tx: Tx,
  ctx: NoticeContext,
  input: {
    purchase: PurchaseRow
    offering: OfferingRow
    reason: EarlyRepaymentReason
    today: CalendarDate
    repaidOn: CalendarDate
    waitsForDebit: boolean
    inReview: boolean
    interestCents: number
  },
): Promise<void> {
  const { purchase, offering, repaidOn } = input
  const words = {
    offeringName: offering.name,
    reason: input.reason,
    repaidOn: repaidOn > input.today ? repaidOn : null,
    waitsForDebit: input.waitsForDebit,
    inReview: input.inReview,
    principal: formatUsd(purchase.amountCents),
    interest: formatUsd(input.interestCents),
    total: formatUsd(purchase.amountCents + input.interestCents),
  }

  return sendNotice(
    tx,
    ctx,
    purchase.userId,
    { kind: 'early_repayment', dedupeKey: earlyRepaymentKey(purchase.id) },
    (name) => earlyRepayment(name, words, `${ctx.publicUrl}/purchases/${purchase.id}`),
  )
}

/** The sending round in a dedupe key: none the first time, `:{n}` when sent again. */
const roundOf = (payout: Pick<PayoutRow, 'resends'>): string =>
  payout.resends > 0 ? `:${payout.resends}` : ''

export async function noticeMaturityPaid(
  tx: Tx,
  ctx: NoticeContext,
  input: { purchase: PurchaseRow; offering: OfferingRow; payout: PayoutRow; note: string | null },
): Promise<void> {
  const { purchase, offering, payout, note } = input
  // Where it arrived, by bank, kind and last digits, as the resend email names it.
  const [account] = payout.bankAccountId
    ? await tx
        .select({
          subtype: bankAccounts.subtype,
          mask: bankAccounts.mask,
          bank: plaidItems.institutionName,
        })
        .from(bankAccounts)
        .innerJoin(plaidItems, eq(plaidItems.id, bankAccounts.itemId))
        .where(eq(bankAccounts.id, payout.bankAccountId))
    : []
  const words = {
    ...payoutWordsOf(purchase, offering, payout),
    note,
    repaidEarly: purchase.repaymentReason,
    account: account ? describeAccount(account.bank, account) : null,
  }

  return sendNotice(
    tx,
    ctx,
    purchase.userId,
    // Money sent again after it came back is paid again, and said again.
    { kind: 'maturity_paid', dedupeKey: `maturity-paid:${purchase.id}${roundOf(payout)}` },
    (name) => maturityPaid(name, words, `${ctx.publicUrl}/portfolio`),
  )
}

export function noticeRolloverDone(
  tx: Tx,
  ctx: NoticeContext,
  input: {
    purchase: PurchaseRow
    offering: OfferingRow
    target: OfferingRow
    rolled: PurchaseRow
    newPayoutCents: number
    paidOutCents: number
    /** The money that paid for the note is in doubt: the rest is withheld for review. */
    inReview: boolean
  },
): Promise<void> {
  const { purchase, offering, target, rolled } = input
  const words = {
    ...wordsOf(purchase, offering),
    rolled: formatUsd(rolled.amountCents),
    targetName: target.name,
    rate: formatBasisPoints(rolled.rateBps),
    newMaturityDate: rolled.maturityDate ?? '',
    newPayout: formatUsd(input.newPayoutCents),
    paidOut: input.paidOutCents > 0 ? formatUsd(input.paidOutCents) : null,
    inReview: input.inReview,
  }

  return sendNotice(
    tx,
    ctx,
    purchase.userId,
    { kind: 'rollover_done', dedupeKey: rolloverDoneKey(purchase.id) },
    (name) => rolloverDone(name, words, `${ctx.publicUrl}/portfolio`),
  )
}

/**
 * Withdraws the "your payment came back" email of a payout's last round while it is still
 * unsent: once the money is on its way again, asking the investor to choose an account would
 * be stale.
 */
export function withdrawPayoutReturnedNotice(tx: Tx, payout: PayoutRow): Promise<void> {
  return withdrawEmail(tx, `payout-returned:${payout.id}${roundOf(payout)}`)
}

export function noticePayoutReturned(
  tx: Tx,
  ctx: NoticeContext,
  input: { purchase: PurchaseRow; offering: OfferingRow; payout: PayoutRow; reason: string },
): Promise<void> {
  const { purchase, offering, payout, reason } = input
  const words = { ...payoutWordsOf(purchase, offering, payout), reason }

  return sendNotice(
    tx,
    ctx,
    purchase.userId,
    { kind: 'payout_returned', dedupeKey: `payout-returned:${payout.id}${roundOf(payout)}` },
    (name) => payoutReturned(name, words, `${ctx.publicUrl}/banks`),
  )
}

/** Tells the investor where their held money is going now, once per round it is sent again. */
export function noticePayoutResent(
  tx: Tx,
  ctx: NoticeContext,
  input: {
    purchase: PurchaseRow
    offering: OfferingRow
    payout: PayoutRow
    account: string
    chosen: boolean
  },
): Promise<void> {
  const { purchase, offering, payout } = input
  const words = {
    ...payoutWordsOf(purchase, offering, payout),
    account: input.account,
    chosen: input.chosen,
  }

  return sendNotice(
    tx,
    ctx,
    purchase.userId,
    { kind: 'payout_resent', dedupeKey: `payout-resent:${payout.id}${roundOf(payout)}` },
    (name) => payoutResent(name, words, `${ctx.publicUrl}/purchases/${purchase.id}`),
  )
}

/**
 * Tells the investor their rollover will not go ahead at the target's new, lower rate, once
 * per rate it fell to.
 */
export function noticeRolloverRateFell(
  tx: Tx,
  ctx: NoticeContext,
  input: {
    purchase: PurchaseRow
    offering: OfferingRow
    target: OfferingRow
    changeUntil: string | null
  },
): Promise<void> {
  const { purchase, offering, target } = input
  const words = {
    ...wordsOf(purchase, offering),
    targetName: target.name,
    rate: formatBasisPoints(target.rateBps),
    chosenAt: formatBasisPoints(purchase.rolloverRateBps ?? target.rateBps),
    changeUntil: input.changeUntil,
  }

  return sendNotice(
    tx,
    ctx,
    purchase.userId,
    {
      kind: 'rollover_rate_fell',
      dedupeKey: `${rolloverRateFellKeys(purchase.id)}${target.rateBps}`,
    },
    (name) => rolloverRateFell(name, words, `${ctx.publicUrl}/purchases/${purchase.id}`),
  )
}
