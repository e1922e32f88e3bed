import { preparedPerHandle } from '@tenor/db'
import {
  type CalendarDate,
  calculateAccruedInterest,
  calculateInterest,
  calculateMaturityDate,
  type LedgerReader,
  type OfferingTerms,
  type PurchaseState,
  toCalendarDate,
} from '@tenor/db/domain'
import { offerings, payouts, purchases } from '@tenor/db/schema'
import { and, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm'
import { findFundingInDoubt } from './funding-in-doubt.ts'
import type { OfferingRow, PurchaseRow } from './records.ts'
import { startDateOf, type ValuationDay } from './valuation-day.ts'
import { earlyRepaymentReasonOf, noteTermsOf } from './views.ts'

/** One note the investor holds, with its interest to date and at maturity. */
export interface Holding {
  purchaseId: string
  offeringName: string
  state: 'pending' | 'processing' | 'active' | 'matured'
  principalCents: number
  settledOn: string | null
  maturityDate: string
  accruedInterestCents: number
  interestAtMaturityCents: number
  /** True until the debit settles: dates and interest assume it settles when it should. */
  estimated: boolean
  /** Of a matured note rolled over in part: what went into the new note (else 0). */
  rolledOverCents: number
  /** Tenor repays it before the end of its term: `maturityDate` is the repayment date. */
  repaidEarly: boolean
}

/**
 * Values one held note as of `day.today`. Settled notes accrue from the settlement date with
 * the same functions that pay them; unsettled ones accrue nothing yet, and are dated from the
 * banking day their debit should settle on.
 */
export function valueHolding(
  purchase: Pick<
    PurchaseRow,
    | 'id'
    | 'state'
    | 'amountCents'
    | 'rateBps'
    | 'settledOn'
    | 'maturityDate'
    | 'createdAt'
    | 'repaymentReason'
  >,
  offering: Pick<OfferingRow, 'name' | 'rateType' | 'compounding' | 'dayCount' | 'termMonths'>,
  day: ValuationDay,
): Holding {
  const settled = purchase.settledOn !== null && purchase.maturityDate !== null
  return {
    purchaseId: purchase.id,
    offeringName: offering.name,
    state: holdingStateOf(purchase.state),
    principalCents: purchase.amountCents,
    settledOn: settled ? purchase.settledOn : null,
    ...valueNote(noteTermsOf(offering, purchase), purchase, day),
    estimated: !settled,
    rolledOverCents: 0,
    repaidEarly: earlyRepaymentReasonOf(purchase) !== null,
  }
}

interface NoteValue {
  maturityDate: CalendarDate
  accruedInterestCents: number
  interestAtMaturityCents: number
}

// Valuing a note works in exact fractions (BigInt), and every visit to the portfolio on one day
// values the same notes again. Values are kept by everything they depend on, so a kept value is
// the value; the store is emptied when it reaches its bound.
const knownValues = new Map<string, NoteValue>()
const maxKnownValues = 10_000

function valueNote(
  terms: OfferingTerms,
  note: Pick<PurchaseRow, 'amountCents' | 'settledOn' | 'maturityDate' | 'createdAt'>,
  day: ValuationDay,
): NoteValue {
  const { today } = day
  const principalCents = note.amountCents
  const settled = note.settledOn !== null && note.maturityDate !== null
  // Not settled yet: dated from the banking day its debit should settle on, which moves on
  // with today while the debit is late.
  const expectedStart = settled ? null : startDateOf({ ...note, settledOn: null }, day)
  const key = `${terms.rateBps}|${terms.rateType}|${terms.compounding}|${terms.dayCount}|${terms.termMonths}|${principalCents}|${note.settledOn}|${note.maturityDate}|${expectedStart}|${today}`
  const known = knownValues.get(key)
  if (known) return known

  let value: NoteValue
  if (expectedStart !== null) {
    const maturityDate = calculateMaturityDate(expectedStart, terms.termMonths)
    value = {
      maturityDate,
      accruedInterestCents: 0,
      interestAtMaturityCents: calculateInterest({
        ...terms,
        principalCents,
        startDate: expectedStart,
        maturityDate,
      }),
    }
  } else {
    const interest = {
      ...terms,
      principalCents,
      startDate: toCalendarDate(note.settledOn ?? ''),
      maturityDate: toCalendarDate(note.maturityDate ?? ''),
    }
    value = {
      maturityDate: interest.maturityDate,
      accruedInterestCents: calculateAccruedInterest({ ...interest, asOf: today }),
      interestAtMaturityCents: calculateInterest(interest),
    }
  }
  if (knownValues.size >= maxKnownValues) knownValues.clear()
  knownValues.set(key, value)
  return value
}

function holdingStateOf(state: PurchaseState): Holding['state'] {
  if (state === 'initiated' || state === 'pending') return 'pending'
  if (state === 'processing' || state === 'matured') return state

  return 'active'
}

const heldStates: readonly PurchaseState[] = [
  'initiated',
  'pending',
  'processing',
  'active',
  'matured',
]

// The most recent purchases the portfolio lists in its history; every held note is valued.
const historyLimit = 500

/** One line of the purchase history under the holdings. */
export interface HistoryEntry {
  id: string
  createdAt: string
  offeringName: string
  amountCents: number
  state: PurchaseState
  /** Tenor repays (or repaid) it before the end of its term: a refund or a cancelled offering. */
  repaidEarly: boolean
  /** Bought by rolling over a matured note, not by a debit. */
  rolledOver: boolean
}

/** Every purchase of one investor with the columns the portfolio shows, newest first. */
const selectPortfolioRows = preparedPerHandle((db: LedgerReader) =>
  db
    .select({
      purchase: {
        id: purchases.id,
        state: purchases.state,
        amountCents: purchases.amountCents,
        rateBps: purchases.rateBps,
        settledOn: purchases.settledOn,
        maturityDate: purchases.maturityDate,
        createdAt: purchases.createdAt,
        repaymentReason: purchases.repaymentReason,
        rolledFromPurchaseId: purchases.rolledFromPurchaseId,
      },
      // What a matured note still pays by ACH; part of it may have rolled into a new note.
      payoutCents: payouts.amountCents,
      offering: {
        name: offerings.name,
        rateType: offerings.rateType,
        compounding: offerings.compounding,
        dayCount: offerings.dayCount,
        termMonths: offerings.termMonths,
      },
    })
    .from(purchases)
    .innerJoin(offerings, eq(offerings.id, purchases.offeringId))
    .leftJoin(payouts, and(eq(payouts.purchaseId, purchases.id), eq(payouts.kind, 'maturity')))
    .where(eq(purchases.userId, sql.placeholder('userId')))
    .orderBy(desc(purchases.createdAt), desc(purchases.id))
    .prepare(),
)

/**
 * The caller's held notes, earliest maturity first, and their purchases, newest first: one
 * query of only the columns shown, as the portfolio page reads both on every visit.
 */
async function readHoldings(
  db: LedgerReader,
  userId: string,
  day: ValuationDay,
): Promise<{ holdings: Holding[]; history: HistoryEntry[]; ended: EndedNote[] }> {
  const rows = await selectPortfolioRows(db).all({ userId })

  const holdings = rows
    .filter(({ purchase }) => heldStates.includes(purchase.state))
    // Oldest first, so notes maturing on the same day keep the order they were bought in.
    .reverse()
    .map(({ purchase, offering, payoutCents }) => {
      const holding = valueHolding(purchase, offering, day)
      return holding.state === 'matured' && payoutCents !== null
        ? stillToPay(holding, payoutCents)
        : holding
    })
    .sort((a, b) =>
      a.maturityDate < b.maturityDate ? -1 : a.maturityDate > b.maturityDate ? 1 : 0,
    )
  // What notes that have ended (paid out, or rolled over into new ones) earned, to their last
  // day: they leave the holdings, and their interest would otherwise leave the totals with them.
  const ended = rows
    .filter(({ purchase }) => purchase.state === 'paid')
    .map(({ purchase, offering }) => ({
      purchaseId: purchase.id,
      interestCents: valueHolding(purchase, offering, day).interestAtMaturityCents,
    }))
  const history = rows.slice(0, historyLimit).map(({ purchase, offering }) => ({
    id: purchase.id,
    createdAt: purchase.createdAt.toISOString(),
    offeringName: offering.name,
    amountCents: purchase.amountCents,
    state: purchase.state,
    repaidEarly: earlyRepaymentReasonOf(purchase) !== null,
    rolledOver: purchase.rolledFromPurchaseId !== null,
  }))
  return { holdings, history, ended }
}

/** A note that has ended, with the interest it earned. */
interface EndedNote {
  purchaseId: string
  interestCents: number
}

/**
 * A matured note as what it still pays: its payout, interest first. A note rolled over in part
 * holds only the rest (the new note counts what rolled), so nothing is counted twice.
 */
export function stillToPay(holding: Holding, payoutCents: number): Holding {
  const interestCents = Math.min(holding.interestAtMaturityCents, payoutCents)
  const proceedsCents = holding.principalCents + holding.interestAtMaturityCents
  return {
    ...holding,
    principalCents: payoutCents - interestCents,
    accruedInterestCents: interestCents,
    interestAtMaturityCents: interestCents,
    rolledOverCents: Math.max(0, proceedsCents - payoutCents),
  }
}

/** Payouts held for the investor, and those not yet asked of Plaid (which may be withheld). */
const selectHeldPayments = preparedPerHandle((db: LedgerReader) =>
  db
    .select({
      purchaseId: payouts.purchaseId,
      amountCents: payouts.amountCents,
      state: payouts.state,
    })
    .from(payouts)
    .where(
      and(
        eq(payouts.userId, sql.placeholder('userId')),
        eq(payouts.kind, 'maturity'),
        or(
          inArray(payouts.state, ['returned', 'failed']),
          and(eq(payouts.state, 'initiated'), isNull(payouts.authorizationId)),
        ),
      ),
    )
    .prepare(),
)

/**
 * Money of the investor's matured notes that could not reach their bank: waiting in their held
 * balance for an account that can receive it, or, for a note whose funding is in doubt, on hold
 * for a person's review, held or never sent (it goes nowhere meanwhile: `sendPayout`,
 * `resendHeldPaymentTo`). Few investors have any, so whose funding is in doubt is asked only then.
 */
async function readHeldPayments(db: LedgerReader, userId: string) {
  const rows = await selectHeldPayments(db).all({ userId })
  const inReview =
    rows.length === 0
      ? new Set<string>()
      : await findFundingInDoubt(
          db,
          rows.map((row) => row.purchaseId),
        )
  // A payout not yet sent is on its way unless it is withheld.
  const held = rows.filter((row) => row.state !== 'initiated')
  const reviewed = rows.filter((row) => inReview.has(row.purchaseId))
  return {
    heldCents: total(
      held.filter((row) => !inReview.has(row.purchaseId)).map((row) => row.amountCents),
    ),
    inReviewCents: total(reviewed.map((row) => row.amountCents)),
    purchaseIds: new Set([...held, ...reviewed].map((row) => row.purchaseId)),
    inReview,
  }
}

/**
 * The portfolio as `GET /portfolio` answers it. A matured note whose payment came back is
 * counted once, as money held for the investor (or on hold for review), not also as a holding
 * still to pay out; it stays in the history, marked.
 */
export async function readPortfolio(db: LedgerReader, userId: string, day: ValuationDay) {
  const [{ holdings, history, ended }, held] = await Promise.all([
    readHoldings(db, userId, day),
    readHeldPayments(db, userId),
  ])
  const owed = holdings.filter((holding) => !held.purchaseIds.has(holding.purchaseId))
  const summary = summarizePortfolio(owed, day.today)
  // A note whose payment came back is in the held balance, not among those paid.
  const endedInterestCents = total(
    ended
      .filter((note) => !held.purchaseIds.has(note.purchaseId))
      .map((note) => note.interestCents),
  )

  return {
    ...summary,
    totals: { ...summary.totals, endedInterestCents },
    heldCents: held.heldCents,
    inReviewCents: held.inReviewCents,
    history: history.map((entry) => ({
      ...entry,
      paymentHeld: held.purchaseIds.has(entry.id) && !held.inReview.has(entry.id),
      paymentInReview: held.inReview.has(entry.id),
    })),
  }
}

const total = (values: number[]) => values.reduce((total, value) => total + value, 0)

/** Principal by state, interest to date and at maturity, and the maturities ahead. */
function summarizePortfolio(holdings: Holding[], today: CalendarDate) {
  const principalOf = (state: Holding['state']) =>
    total(holdings.filter((h) => h.state === state).map((h) => h.principalCents))
  const principalCents = total(holdings.map((h) => h.principalCents))
  const expectedInterestCents = total(holdings.map((h) => h.interestAtMaturityCents))

  return {
    asOf: today,
    principalByState: {
      pending: principalOf('pending'),
      processing: principalOf('processing'),
      active: principalOf('active'),
      matured: principalOf('matured'),
    },
    totals: {
      principalCents,
      accruedInterestCents: total(holdings.map((h) => h.accruedInterestCents)),
      expectedInterestCents,
      expectedPayoutCents: principalCents + expectedInterestCents,
    },
    upcomingMaturities: holdings
      .filter((h) => h.state === 'active' && h.maturityDate >= today)
      .map((h) => ({
        purchaseId: h.purchaseId,
        offeringName: h.offeringName,
        maturityDate: h.maturityDate,
        principalCents: h.principalCents,
        interestCents: h.interestAtMaturityCents,
        totalCents: h.principalCents + h.interestAtMaturityCents,
      })),
    holdings,
  }
}
