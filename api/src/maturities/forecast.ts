import {
  addDays,
  type CalendarDate,
  compareDates,
  type LedgerReader,
  toCalendarDate,
} from '@tenor/db/domain'
import { offerings, payouts, purchases, users } from '@tenor/db/schema'
import { and, asc, eq, inArray, lte } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import { findFundingInDoubt } from '../purchases/funding-in-doubt.ts'
import { proceedsAtMaturity } from './mature.ts'
import { planRollover, whyInvestorCannotBuy } from './rollover.ts'

/** How many days ahead the operations page looks for money due out. */
export const fundingHorizonDays = 7

const targets = alias(offerings, 'rollover_targets')

export interface PayoutForecast {
  /** Money still to leave the Plaid Transfer ledger by the horizon, as the worker would send it. */
  dueCents: number
  /** Payouts the worker withholds for a person's review, now or at maturity: not in `dueCents`. */
  withheldCents: number
  /** The notes whose payout, not yet asked of Plaid, the worker withholds now. */
  withheldUnsent: string[]
  /** The notes whose held money is in review: no account the investor gives takes it. */
  heldInReview: string[]
}

/**
 * What must still leave the Plaid Transfer ledger within `fundingHorizonDays` of `today`, for
 * a shortfall against its available balance. A credit Plaid has made (a payout `pending` or
 * later) has already left the available balance, so what is due is: payouts not yet made at
 * Plaid (`initiated` maturity payouts), and the ACH part of every active note maturing by the
 * horizon, worked out as the maturity run would (`proceedsAtMaturity`, and, for an investor who
 * could still buy (`whyInvestorCannotBuy`), `planRollover` with the target's room as it stands,
 * less what earlier notes of this forecast take). A payout the
 * worker withholds because the money that paid for its note is in doubt (`findFundingInDoubt`)
 * is sent only once a person has looked, so it is counted apart, as are a maturing note that
 * would be withheld so and held money in review (which no account the investor gives takes).
 */
export async function forecastPayouts(
  db: LedgerReader,
  today: CalendarDate,
): Promise<PayoutForecast> {
  const forecast: PayoutForecast = {
    dueCents: 0,
    withheldCents: 0,
    withheldUnsent: [],
    heldInReview: [],
  }
  const add = (cents: number, withheld: boolean) => {
    if (withheld) forecast.withheldCents += cents
    else forecast.dueCents += cents
  }

  const unsent = await db
    .select({
      purchaseId: payouts.purchaseId,
      amountCents: payouts.amountCents,
      authorizationId: payouts.authorizationId,
    })
    .from(payouts)
    .where(and(eq(payouts.state, 'initiated'), eq(payouts.kind, 'maturity')))
  // Only a payout not yet asked of Plaid is withheld (`sendPayout`): one with an authorization
  // is resumed, so that its credit stays single.
  const unsentInDoubt = await findFundingInDoubt(
    db,
    unsent.filter((payout) => !payout.authorizationId).map((payout) => payout.purchaseId),
  )
  for (const payout of unsent) {
    const withheld = !payout.authorizationId && unsentInDoubt.has(payout.purchaseId)
    add(payout.amountCents, withheld)
    if (withheld) forecast.withheldUnsent.push(payout.purchaseId)
  }

  // Held money waits for an account from the investor and is not due, unless it is in review.
  const held = await db
    .select({ purchaseId: payouts.purchaseId, amountCents: payouts.amountCents })
    .from(payouts)
    .where(and(inArray(payouts.state, ['returned', 'failed']), eq(payouts.kind, 'maturity')))
  const heldInDoubt = await findFundingInDoubt(
    db,
    held.map((payout) => payout.purchaseId),
  )
  for (const payout of held) {
    if (!heldInDoubt.has(payout.purchaseId)) continue
    add(payout.amountCents, true)
    forecast.heldInReview.push(payout.purchaseId)
  }

  const maturing = await db
    .select({
      purchase: purchases,
      offering: offerings,
      target: targets,
      investor: {
        status: users.status,
        emailVerifiedAt: users.emailVerifiedAt,
        kycStatus: users.kycStatus,
      },
    })
    .from(purchases)
    .innerJoin(offerings, eq(offerings.id, purchases.offeringId))
    .innerJoin(users, eq(users.id, purchases.userId))
    .leftJoin(targets, eq(targets.id, purchases.rolloverOfferingId))
    .where(
      and(
        eq(purchases.state, 'active'),
        lte(purchases.maturityDate, addDays(today, fundingHorizonDays)),
      ),
    )
    .orderBy(asc(purchases.maturityDate), asc(purchases.id))
  const maturingInDoubt = await findFundingInDoubt(
    db,
    maturing.map(({ purchase }) => purchase.id),
  )
  const reserved = new Map<string, number>()
  for (const { purchase, offering, target, investor } of maturing) {
    const proceeds = proceedsAtMaturity(purchase, offering)
    let rolledCents = 0
    if (proceeds.rolloverCents > 0 && target && !whyInvestorCannotBuy(investor)) {
      const targetNow = {
        ...target,
        reservedCents: reserved.get(target.id) ?? target.reservedCents,
      }
      // A note overdue for maturity matures on the next run, today.
      const dueOn = toCalendarDate(purchase.maturityDate ?? today)
      const maturesOn = compareDates(dueOn, today) > 0 ? dueOn : today
      const plan = planRollover(purchase, targetNow, proceeds.rolloverCents, maturesOn)
      if (plan.rolled) {
        rolledCents = plan.rolledCents
        reserved.set(target.id, targetNow.reservedCents + rolledCents)
      }
    }
    add(
      proceeds.principalCents + proceeds.interestCents - rolledCents,
      maturingInDoubt.has(purchase.id),
    )
  }

  return forecast
}
