import {
  describeDayCount,
  holdingStates,
  type LedgerReader,
  type OfferingTerms,
  type PurchaseState,
  previewPayout,
  toCalendarDate,
} from '@tenor/db/domain'
import { offerings, payouts, purchaseEvents, purchases } from '@tenor/db/schema'
import { and, asc, desc, eq, inArray } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import { describeHistoryStep } from '../maturities/history.ts'
import { findInstructionLock, instructionChangeableUntil } from '../maturities/instruction-lock.ts'
import { largestPurchaseWithin } from '../routes/offerings/offerings.amounts.ts'
import { canBeWithheld, findOwnDebitsReturned, wasFundingInDoubt } from './funding-in-doubt.ts'
import { isOpenForPurchase } from './preconditions.ts'
import type { OfferingRow, PurchaseRow } from './records.ts'
import {
  type PaymentStep,
  readDebitsReturnedAfterMaturity,
  readPaymentEvents,
} from './transfer-history.ts'
import { startDateOf, type ValuationDay } from './valuation-day.ts'

type EventRow = typeof purchaseEvents.$inferSelect
type PaymentRow = Pick<
  typeof payouts.$inferSelect,
  'purchaseId' | 'amountCents' | 'bankAccountId' | 'failureReason' | 'settledAt' | 'updatedAt'
> & {
  /** A cancelled payout is not shown: its note reads as returned, as it is. */
  state: Exclude<(typeof payouts.$inferSelect)['state'], 'cancelled'>
  /** Withheld: the money that paid for the note is in doubt (`findFundingInDoubt`). */
  inReview?: boolean
}

/**
 * Where a matured note's money is, in the investor's terms: being sent, on its way (the credit
 * is with the banks), paid (settled), held for them (it came back or could not be sent, and
 * waits for an account that can receive it; `reason` says why), or in review (withheld: the
 * money that paid for the note is in doubt, its debit or another from its account having come back).
 */
const paymentStages = {
  initiated: 'sending',
  pending: 'on_its_way',
  posted: 'on_its_way',
  settled: 'paid',
  returned: 'held',
  failed: 'held',
} as const satisfies Record<PaymentRow['state'], string>

type PaymentStage = (typeof paymentStages)[PaymentRow['state']] | 'in_review'

function toPayment(row: PaymentRow) {
  const stage: PaymentStage = row.inReview ? 'in_review' : paymentStages[row.state]
  return {
    stage,
    amountCents: row.amountCents,
    bankAccountId: row.bankAccountId,
    reason: stage === 'held' ? row.failureReason : null,
    paidAt: stage === 'paid' ? (row.settledAt?.toISOString() ?? null) : null,
    since: row.updatedAt.toISOString(),
  }
}

export const termsOf = (offering: OfferingRow): OfferingTerms => ({
  rateBps: offering.rateBps,
  rateType: offering.rateType,
  compounding: offering.compounding,
  dayCount: offering.dayCount,
  termMonths: offering.termMonths,
})

/**
 * A note's own terms: its offering's, at the rate the note was sold at. A rate change on the
 * offering is for new purchases only.
 */
export const noteTermsOf = (
  offering: Pick<OfferingRow, 'rateType' | 'compounding' | 'dayCount' | 'termMonths'>,
  purchase: Pick<PurchaseRow, 'rateBps'>,
): OfferingTerms => ({
  rateBps: purchase.rateBps,
  rateType: offering.rateType,
  compounding: offering.compounding,
  dayCount: offering.dayCount,
  termMonths: offering.termMonths,
})

/** Whether a purchase still holds principal for the investor (or did, until it was paid). */
export function isHolding(state: PurchaseState): boolean {
  return (holdingStates as readonly PurchaseState[]).includes(state) || state === 'paid'
}

/**
 * Why Tenor repays a note before the end of its term, while it is a note: a purchase undone
 * meanwhile (its debit came back, or was cancelled or failed) is repaid nothing.
 */
export function earlyRepaymentReasonOf(purchase: Pick<PurchaseRow, 'state' | 'repaymentReason'>) {
  return isHolding(purchase.state) ? purchase.repaymentReason : null
}

/** When and why Tenor repays a note before the end of its term; null for any other note. */
function earlyRepaymentOf(purchase: PurchaseRow) {
  const { repaymentScheduledAt, maturityDate } = purchase
  const repaymentReason = earlyRepaymentReasonOf(purchase)
  if (!repaymentReason || !repaymentScheduledAt || !maturityDate) return null

  return {
    reason: repaymentReason,
    repaymentDate: toCalendarDate(maturityDate),
    scheduledAt: repaymentScheduledAt.toISOString(),
  }
}

/**
 * What an investor sees of a purchase. The payout at maturity is exact once the debit has
 * settled; before that it is estimated from the banking day the debit should settle on. A note
 * repaid early pays interest to its repayment date, which is then its maturity date.
 */
export function toPurchaseView(
  purchase: PurchaseRow,
  offering: OfferingRow,
  history: EventRow[],
  day: ValuationDay,
  payment?: PaymentRow,
  rolloverOffering?: RolloverOfferingRow | null,
) {
  const { today } = day
  const startDate = startDateOf(purchase, day)
  const earlyRepayment = earlyRepaymentOf(purchase)
  const payout = isHolding(purchase.state)
    ? {
        startDate,
        estimated: purchase.settledOn === null,
        ...previewPayout({
          terms: noteTermsOf(offering, purchase),
          principalCents: purchase.amountCents,
          startDate,
          repaidOn: earlyRepayment?.repaymentDate,
        }),
      }
    : null

  return {
    id: purchase.id,
    offeringId: purchase.offeringId,
    offeringName: offering.name,
    bankAccountId: purchase.bankAccountId,
    amountCents: purchase.amountCents,
    state: purchase.state,
    cancellable: purchase.state === 'pending',
    maturityInstruction: purchase.maturityInstruction,
    // Bought by rolling over that note at its maturity: no debit paid for this one.
    rolledFromPurchaseId: purchase.rolledFromPurchaseId,
    rolloverOfferingId: purchase.rolloverOfferingId,
    rolloverOffering: rolloverOffering
      ? {
          slug: rolloverOffering.slug,
          name: rolloverOffering.name,
          rateBps: rolloverOffering.rateBps,
          chosenAtRateBps: purchase.rolloverRateBps,
          // Selling on the (estimated, before the debit settles) maturity date, as a rollover needs.
          sellingAtMaturity: payout
            ? isOpenForPurchase(rolloverOffering, payout.maturityDate)
            : false,
          ...rolloverSplit(purchase, rolloverOffering, payout),
        }
      : null,
    terms: {
      rateBps: purchase.rateBps,
      rateType: offering.rateType,
      compounding: offering.compounding,
      dayCount: offering.dayCount,
      dayCountName: describeDayCount(offering.dayCount).name,
    },
    instructionChangeable: findInstructionLock(purchase, today) === null,
    instructionChangeableUntil: instructionChangeableUntil(purchase, today),
    settledOn: purchase.settledOn,
    maturityDate: purchase.maturityDate,
    failure:
      purchase.failureReason === null
        ? null
        : { code: purchase.failureCode, reason: purchase.failureReason },
    payout,
    earlyRepayment,
    payment: payment ? toPayment(payment) : null,
    createdAt: purchase.createdAt.toISOString(),
    updatedAt: purchase.updatedAt.toISOString(),
    history: history.map((event) => ({
      from: event.fromState,
      to: event.toState,
      reason: event.reason,
      note: describeHistoryStep(event),
      at: event.createdAt.toISOString(),
    })),
  }
}

/**
 * How a rollover would split the note's money on the offering's limits today: the largest note
 * it sells within what the instruction rolls (`rollsCents`, null if even its smallest is more),
 * and what goes to the bank. Nothing rolls without a payout to split.
 */
function rolloverSplit(
  purchase: PurchaseRow,
  target: RolloverOfferingRow,
  payout: { totalCents: number } | null,
): { rollsCents: number | null; paidOutCents: number } {
  if (!payout) return { rollsCents: null, paidOutCents: 0 }
  const wanted =
    purchase.maturityInstruction === 'rollover_all' ? payout.totalCents : purchase.amountCents
  const rollsCents = largestPurchaseWithin(target, wanted)
  return { rollsCents, paidOutCents: payout.totalCents - (rollsCents ?? 0) }
}

type RolloverOfferingRow = Pick<
  OfferingRow,
  | 'slug'
  | 'name'
  | 'rateBps'
  | 'status'
  | 'opensOn'
  | 'closesOn'
  | 'minPurchaseCents'
  | 'maxPurchaseCents'
  | 'incrementCents'
>

export type PurchaseView = ReturnType<typeof toPurchaseView>

/** A purchase as its own page shows it: with its payment's later moves and its rolled note. */
export type ListedPurchaseView = PurchaseView & {
  paymentHistory: PaymentStep[]
  rolledInto: { purchaseId: string; amountCents: number; offeringName: string } | null
  debitReturnedAfterMaturity: boolean
  chainDebitReturned: boolean
}

// The most recent purchases an investor sees in one list.
const listLimit = 500

// The offering a note rolls into at maturity, beside the one it was bought from.
const rolloverOfferings = alias(offerings, 'rollover_offerings')

/**
 * The caller's purchases with their offerings and history, newest first; with `purchaseId`,
 * only that one. Another investor's purchase is simply not found.
 */
export async function listPurchaseViews(
  db: LedgerReader,
  input: { userId: string; purchaseId?: string } & ValuationDay,
): Promise<ListedPurchaseView[]> {
  const rows = await db
    .select({
      purchase: purchases,
      offering: offerings,
      rolloverOffering: {
        slug: rolloverOfferings.slug,
        name: rolloverOfferings.name,
        rateBps: rolloverOfferings.rateBps,
        status: rolloverOfferings.status,
        opensOn: rolloverOfferings.opensOn,
        closesOn: rolloverOfferings.closesOn,
        minPurchaseCents: rolloverOfferings.minPurchaseCents,
        maxPurchaseCents: rolloverOfferings.maxPurchaseCents,
        incrementCents: rolloverOfferings.incrementCents,
      },
    })
    .from(purchases)
    .innerJoin(offerings, eq(offerings.id, purchases.offeringId))
    .leftJoin(rolloverOfferings, eq(rolloverOfferings.id, purchases.rolloverOfferingId))
    .where(
      and(
        eq(purchases.userId, input.userId),
        input.purchaseId ? eq(purchases.id, input.purchaseId) : undefined,
      ),
    )
    .orderBy(desc(purchases.createdAt), desc(purchases.id))
    .limit(listLimit)
  if (rows.length === 0) return []

  const events = await db
    .select()
    .from(purchaseEvents)
    .where(
      inArray(
        purchaseEvents.purchaseId,
        rows.map((row) => row.purchase.id),
      ),
    )
    .orderBy(asc(purchaseEvents.createdAt), asc(purchaseEvents.id))
  const payments = await db
    .select({
      purchaseId: payouts.purchaseId,
      state: payouts.state,
      amountCents: payouts.amountCents,
      bankAccountId: payouts.bankAccountId,
      failureReason: payouts.failureReason,
      settledAt: payouts.settledAt,
      updatedAt: payouts.updatedAt,
      authorizationId: payouts.authorizationId,
    })
    .from(payouts)
    .where(
      and(
        eq(payouts.kind, 'maturity'),
        inArray(
          payouts.purchaseId,
          rows.map((row) => row.purchase.id),
        ),
      ),
    )
  const paymentOf = new Map<string, PaymentRow>()
  for (const payment of payments) {
    if (payment.state === 'cancelled') continue
    // There are few payouts that can be withheld at any time.
    const inReview = canBeWithheld(payment) && (await wasFundingInDoubt(db, payment.purchaseId))
    paymentOf.set(payment.purchaseId, { ...payment, state: payment.state, inReview })
  }

  const paymentEvents = await readPaymentEvents(
    db,
    rows.map((row) => row.purchase),
  )
  // The note each matured one rolled into, if any, to link from the old one.
  const rolledNotes = await db
    .select({
      from: purchases.rolledFromPurchaseId,
      purchaseId: purchases.id,
      amountCents: purchases.amountCents,
      offeringName: offerings.name,
    })
    .from(purchases)
    .innerJoin(offerings, eq(offerings.id, purchases.offeringId))
    .where(
      inArray(
        purchases.rolledFromPurchaseId,
        rows.map((row) => row.purchase.id),
      ),
    )
  const rolledInto = new Map(rolledNotes.map(({ from, ...note }) => [from, note]))
  const returnedLate = await readDebitsReturnedAfterMaturity(
    db,
    rows.map((row) => row.purchase),
  )
  // A rolled note whose chain's first debit came back is held at maturity, not rolled or paid.
  const chainReturned = await findOwnDebitsReturned(
    db,
    rows.flatMap(({ purchase }) => (purchase.rolledFromPurchaseId ? [purchase.id] : [])),
  )

  return rows.map(({ purchase, offering, rolloverOffering }) => ({
    ...toPurchaseView(
      purchase,
      offering,
      events.filter((event) => event.purchaseId === purchase.id),
      input,
      paymentOf.get(purchase.id),
      rolloverOffering,
    ),
    paymentHistory: paymentEvents.get(purchase.id) ?? [],
    rolledInto: rolledInto.get(purchase.id) ?? null,
    debitReturnedAfterMaturity: returnedLate.has(purchase.transferId ?? ''),
    chainDebitReturned: chainReturned.has(purchase.id),
  }))
}
