import { newId, type Tx } from '@tenor/db'
import {
  type CalendarDate,
  calculateInterest,
  calculateMaturityDate,
  defaultMaturityInstruction,
  formatBasisPoints,
  openOfferingPosting,
  postTransaction,
  rolloverPosting,
  toCalendarDate,
} from '@tenor/db/domain'
import { ledgerTransactions, offerings, purchaseEvents, purchases, users } from '@tenor/db/schema'
import { and, eq, gte, lte, sql } from 'drizzle-orm'
import { wasFundingInDoubt, wasOwnDebitReturned } from '../purchases/funding-in-doubt.ts'
import type { OutcomeContext } from '../purchases/outcomes.ts'
import { isOpenForPurchase } from '../purchases/preconditions.ts'
import { ledgerRefOf, type OfferingRow, type PurchaseRow } from '../purchases/records.ts'
import { noteTermsOf } from '../purchases/views.ts'
import { formatUsd, largestPurchaseWithin } from '../routes/offerings/offerings.amounts.ts'
import { debitReturnedWhy } from './history.ts'
import { noticeRolloverDone } from './notices.ts'

export type RolloverResult =
  | { rolled: true; purchase: PurchaseRow; rolledCents: number }
  | { rolled: false; why: string }

/** What `whyInvestorCannotBuy` reads of the investor. */
export interface RolloverInvestor {
  status: string
  emailVerifiedAt: Date | null
  kycStatus: string
}

/**
 * A rollover is a new purchase, so it needs what buying needs of the investor (as
 * `checkPurchaseRequest` asks it): an account still enabled, its address confirmed and its
 * identity check approved. Otherwise the note is paid out.
 */
export function whyInvestorCannotBuy(user: RolloverInvestor | undefined): string | null {
  if (user?.status !== 'active') return 'the account is disabled'
  if (user.emailVerifiedAt === null) return 'the email address is not confirmed'
  if (user.kycStatus !== 'approved') return 'the identity check is not approved'
  return null
}

/**
 * Rolls `wantedCents` of a maturing note into the offering the investor chose, with no ACH:
 * capacity is taken by one conditional UPDATE (as a purchase takes it), the new note starts
 * `active` on the old one's maturity date, and one ledger transaction moves the old note's
 * principal and interest into it, the rest to ACH payable for the payout.
 *
 * New notes come in the offering's steps (minimum plus whole increments), so the amount is
 * rounded down to a step and the few cents left over join the payout. When the offering cannot
 * take it (missing, not open, outside its limits or full) nothing is written and the caller
 * pays the whole proceeds out instead; `why` says why, in words for the history.
 */
export async function rollOver(
  tx: Tx,
  ctx: OutcomeContext,
  input: {
    purchase: PurchaseRow
    offering: OfferingRow
    principalCents: number
    interestCents: number
    wantedCents: number
    today: CalendarDate
  },
): Promise<RolloverResult> {
  const { purchase, today } = input
  const investor = await tx.query.users.findFirst({
    columns: { status: true, emailVerifiedAt: true, kycStatus: true },
    where: eq(users.id, purchase.userId),
  })
  const stopped = whyInvestorCannotBuy(investor)
  if (stopped) return { rolled: false, why: stopped }
  // Its money went back to the investor's bank: the proceeds wait for review instead.
  if (await wasOwnDebitReturned(tx, purchase.id)) return { rolled: false, why: debitReturnedWhy }
  const target = purchase.rolloverOfferingId
    ? await tx.query.offerings.findFirst({ where: eq(offerings.id, purchase.rolloverOfferingId) })
    : undefined
  if (!target) return { rolled: false, why: 'no rollover offering was chosen' }
  // The offering's room is read in this transaction, which every write waits its turn for, and
  // guarded again by the update below.
  const plan = planRollover(purchase, target, input.wantedCents, today)
  if (!plan.rolled) return plan
  const { rolledCents } = plan

  const [taken] = await tx
    .update(offerings)
    .set({ reservedCents: sql`${offerings.reservedCents} + ${rolledCents}`, updatedAt: ctx.now })
    .where(
      and(
        eq(offerings.id, target.id),
        eq(offerings.status, 'open'),
        lte(offerings.opensOn, today),
        gte(offerings.closesOn, today),
        sql`${offerings.reservedCents} + ${rolledCents} <= ${offerings.capacityCents}`,
      ),
    )
    .returning({ id: offerings.id })
  if (!taken) {
    const open = isOpenForPurchase(target, today)
    return { rolled: false, why: `${target.name} is ${open ? 'full' : 'not open'}` }
  }

  const rolled = await insertRolledNote(tx, ctx, purchase, target, rolledCents)
  await ensureOfferingOpened(tx, target)
  const maturityDate = toCalendarDate(purchase.maturityDate ?? '')
  await postTransaction(
    tx,
    rolloverPosting({
      from: ledgerRefOf(purchase, maturityDate),
      toPurchaseId: rolled.id,
      toOfferingId: target.id,
      principalCents: input.principalCents,
      interestCents: input.interestCents,
      rolledCents,
    }),
  )
  const newInterestCents = calculateInterest({
    ...noteTermsOf(target, rolled),
    principalCents: rolledCents,
    startDate: maturityDate,
    maturityDate: toCalendarDate(rolled.maturityDate ?? ''),
  })
  await noticeRolloverDone(tx, ctx, {
    purchase,
    offering: input.offering,
    target,
    rolled,
    newPayoutCents: rolledCents + newInterestCents,
    paidOutCents: input.principalCents + input.interestCents - rolledCents,
    // The rest is withheld (`sendPayout`) while the note's funding is in doubt: not promised.
    inReview: await wasFundingInDoubt(tx, purchase.id),
  })

  return { rolled: true, purchase: rolled, rolledCents }
}

/**
 * How much of `wantedCents` a note maturing on `today` would roll into `target`, by the same
 * rules `rollOver` applies: at no lower a rate than when it was chosen, the offering selling
 * that day, and the largest note it sells within the amount and the room it has left
 * (`reservedCents` as given); or why nothing would roll. Writes nothing.
 */
export function planRollover(
  purchase: Pick<PurchaseRow, 'rolloverRateBps'>,
  target: OfferingRow,
  wantedCents: number,
  today: CalendarDate,
): { rolled: true; rolledCents: number } | { rolled: false; why: string } {
  const fell = describeRateFall(purchase, target)
  if (fell) return { rolled: false, why: fell }
  if (!isOpenForPurchase(target, today)) return { rolled: false, why: `${target.name} is not open` }
  if (wantedCents < target.minPurchaseCents) {
    return {
      rolled: false,
      why: `${formatUsd(wantedCents)} is less than the ${formatUsd(target.minPurchaseCents)} smallest note of ${target.name}`,
    }
  }
  const room = target.capacityCents - target.reservedCents
  const rolledCents = largestPurchaseWithin(target, Math.min(wantedCents, room))
  if (rolledCents === null) return { rolled: false, why: `${target.name} is full` }

  return { rolled: true, rolledCents }
}

/**
 * A rollover goes ahead only at no less than the rate the investor saw when choosing it: a rate
 * cut approved after the cut-off must not move their money at a rate they never accepted. Says
 * so in words when the rate is lower; null when it is not.
 */
export function describeRateFall(
  purchase: Pick<PurchaseRow, 'rolloverRateBps'>,
  target: Pick<OfferingRow, 'name' | 'rateBps'>,
): string | null {
  const chosenAt = purchase.rolloverRateBps
  if (chosenAt === null || target.rateBps >= chosenAt) return null
  return `the rate of ${target.name} is now ${formatBasisPoints(target.rateBps)}, below the ${formatBasisPoints(chosenAt)} it had when the rollover was chosen`
}

/** The new note: active from the old one's maturity date, since its money never left us. */
async function insertRolledNote(
  tx: Tx,
  ctx: OutcomeContext,
  from: PurchaseRow,
  target: OfferingRow,
  amountCents: number,
): Promise<PurchaseRow> {
  const settledOn = toCalendarDate(from.maturityDate ?? '')
  const [rolled] = await tx
    .insert(purchases)
    .values({
      id: newId(),
      userId: from.userId,
      offeringId: target.id,
      bankAccountId: from.bankAccountId,
      amountCents,
      rateBps: target.rateBps,
      state: 'active',
      settledOn,
      maturityDate: calculateMaturityDate(settledOn, target.termMonths),
      // Paid out at its own maturity unless the investor picks an offering for it too.
      maturityInstruction: defaultMaturityInstruction,
      rolledFromPurchaseId: from.id,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .returning()
  if (!rolled) throw new Error('The rolled-over note insert answered no row')
  await tx.insert(purchaseEvents).values({
    id: newId(),
    purchaseId: rolled.id,
    fromState: null,
    toState: 'active',
    reason: `rolled over from matured note ${from.id}; no ACH moved`,
    createdAt: ctx.now,
  })

  return rolled
}

/** The offering's capacity enters the ledger with its first sale, as `reservePurchase` does. */
async function ensureOfferingOpened(tx: Tx, offering: OfferingRow): Promise<void> {
  const opening = openOfferingPosting({
    offeringId: offering.id,
    capacityCents: offering.capacityCents,
    effectiveDate: toCalendarDate(offering.opensOn),
  })
  const opened = await tx.query.ledgerTransactions.findFirst({
    where: eq(ledgerTransactions.idempotencyKey, opening.idempotencyKey),
  })
  if (!opened) await postTransaction(tx, opening)
}
