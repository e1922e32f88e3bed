import {
  type CalendarDate,
  calculateAccruedInterest,
  calculateInterest,
  type LedgerReader,
  type PurchaseState,
  previewPayout,
  toCalendarDate,
} from '@tenor/db/domain'
import { offerings, purchases } from '@tenor/db/schema'
import { and, asc, eq, inArray } from 'drizzle-orm'
import type { OfferingRow, PurchaseRow } from './records.ts'
import { noteTermsOf } from './views.ts'

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
  /** True until the debit settles: dates and interest assume it settles today. */
  estimated: boolean
}

/**
 * Values one held note as of `today`. Settled notes accrue from the settlement date with the
 * same functions that pay them; unsettled ones accrue nothing yet.
 */
export function valueHolding(
  purchase: PurchaseRow,
  offering: OfferingRow,
  today: CalendarDate,
): Holding {
  const terms = noteTermsOf(offering, purchase)
  const principalCents = purchase.amountCents
  const base = {
    purchaseId: purchase.id,
    offeringName: offering.name,
    state: holdingStateOf(purchase.state),
    principalCents,
  }
  if (purchase.settledOn === null || purchase.maturityDate === null) {
    const preview = previewPayout({ terms, principalCents, startDate: today })
    return {
      ...base,
      settledOn: null,
      maturityDate: preview.maturityDate,
      accruedInterestCents: 0,
      interestAtMaturityCents: preview.interestCents,
      estimated: true,
    }
  }

  const interest = {
    ...terms,
    principalCents,
    startDate: toCalendarDate(purchase.settledOn),
    maturityDate: toCalendarDate(purchase.maturityDate),
  }
  return {
    ...base,
    settledOn: purchase.settledOn,
    maturityDate: purchase.maturityDate,
    accruedInterestCents: calculateAccruedInterest({ ...interest, asOf: today }),
    interestAtMaturityCents: calculateInterest(interest),
    estimated: false,
  }
}

function holdingStateOf(state: PurchaseState): Holding['state'] {
  if (state === 'initiated' || state === 'pending') return 'pending'
  if (state === 'processing' || state === 'matured') return state

  return 'active'
}

/** The caller's held notes, earliest maturity first. */
export async function listHoldings(
  db: LedgerReader,
  userId: string,
  today: CalendarDate,
): Promise<Holding[]> {
  const rows = await db
    .select({ purchase: purchases, offering: offerings })
    .from(purchases)
    .innerJoin(offerings, eq(offerings.id, purchases.offeringId))
    .where(
      and(
        eq(purchases.userId, userId),
        inArray(purchases.state, ['initiated', 'pending', 'processing', 'active', 'matured']),
      ),
    )
    .orderBy(asc(purchases.createdAt))

  return rows
    .map(({ purchase, offering }) => valueHolding(purchase, offering, today))
    .sort((a, b) => a.maturityDate.localeCompare(b.maturityDate))
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0)

/** Principal by state, interest to date and at maturity, and the maturities ahead. */
export function summarizePortfolio(holdings: Holding[], today: CalendarDate) {
  const principalOf = (state: Holding['state']) =>
    sum(holdings.filter((h) => h.state === state).map((h) => h.principalCents))
  const principalCents = sum(holdings.map((h) => h.principalCents))
  const expectedInterestCents = sum(holdings.map((h) => h.interestAtMaturityCents))

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
      accruedInterestCents: sum(holdings.map((h) => h.accruedInterestCents)),
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
