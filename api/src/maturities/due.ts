import { businessDateOf, type CalendarDate } from '@tenor/db/domain'
import type { Logger } from '@tenor/db/logger'
import { payouts, purchases } from '@tenor/db/schema'
import { and, asc, eq, gt, lte } from 'drizzle-orm'
import type { PurchaseDeps } from '../purchases/deps.ts'
import { outcomeContextOf } from '../purchases/outcomes.ts'
import { type MaturityResult, maturePurchase } from './mature.ts'
import { writeRetrying } from './records.ts'
import { type SendOutcome, sendPayout } from './send.ts'

// Holdings are read a page of ids at a time, so memory stays flat however many mature at once.
const pageSize = 200

export interface MaturityCounts {
  matured: number
  paidOut: number
  rolledOver: number
  rolloverFallbacks: number
  maturityErrors: number
}

/**
 * The business date "now" falls on: a calendar date in the configured zone (America/New_York
 * unless BUSINESS_TIME_ZONE says otherwise). Maturity dates are calendar dates too and are
 * compared as such, so a daylight-saving change can neither skip nor repeat a maturity day.
 */
export function businessToday(deps: Pick<PurchaseDeps, 'clock' | 'env'>): CalendarDate {
  return businessDateOf(deps.clock.now(), deps.env.businessTimeZone)
}

/**
 * Matures every `active` holding whose maturity date has come, each in its own transaction,
 * paging by id. A holding that fails is logged and left `active` for the next run; the others
 * go on.
 */
export async function matureDueHoldings(
  deps: PurchaseDeps,
  log: Logger,
  today: CalendarDate = businessToday(deps),
): Promise<MaturityCounts> {
  const counts: MaturityCounts = {
    matured: 0,
    paidOut: 0,
    rolledOver: 0,
    rolloverFallbacks: 0,
    maturityErrors: 0,
  }
  const tally: Record<MaturityResult, keyof MaturityCounts> = {
    paid_out: 'paidOut',
    rolled_over: 'rolledOver',
    rollover_fallback: 'rolloverFallbacks',
  }

  let after = ''
  for (;;) {
    const page = await deps.database.db
      .select({ id: purchases.id })
      .from(purchases)
      .where(
        and(
          eq(purchases.state, 'active'),
          lte(purchases.maturityDate, today),
          gt(purchases.id, after),
        ),
      )
      .orderBy(asc(purchases.id))
      .limit(pageSize)

    for (const { id } of page) {
      try {
        const ctx = outcomeContextOf(deps)
        const result = await writeRetrying(deps.database, (tx) =>
          maturePurchase(tx, ctx, id, today),
        )
        if (!result) continue
        counts.matured += 1
        counts[tally[result]] += 1
        if (result === 'rollover_fallback') {
          log.warn('rollover not possible; paying out instead', { purchaseId: id })
        }
      } catch (error) {
        counts.maturityErrors += 1
        log.error('could not mature a holding; the next run tries again', {
          purchaseId: id,
          error,
        })
      }
    }
    const last = page.at(-1)
    if (!last || page.length < pageSize) return counts
    after = last.id
  }
}

export type PayoutCounts = Record<SendOutcome, number> & { payoutErrors: number }

/**
 * Sends every `initiated` maturity payout, paging by id. Each is independent: one that Plaid
 * declines or does not answer stays `initiated` for the next run, and the rest go on.
 */
export async function sendDuePayouts(deps: PurchaseDeps, log: Logger): Promise<PayoutCounts> {
  const counts: PayoutCounts = {
    sent: 0,
    waiting: 0,
    declined: 0,
    refused: 0,
    held: 0,
    skipped: 0,
    payoutErrors: 0,
  }

  let after = ''
  for (;;) {
    const page = await deps.database.db
      .select({ id: payouts.id })
      .from(payouts)
      .where(
        and(eq(payouts.state, 'initiated'), eq(payouts.kind, 'maturity'), gt(payouts.id, after)),
      )
      .orderBy(asc(payouts.id))
      .limit(pageSize)

    for (const { id } of page) {
      try {
        counts[await sendPayout(deps, id, log)] += 1
      } catch (error) {
        counts.payoutErrors += 1
        log.error('could not send a payout; the next run tries again', { payoutId: id, error })
      }
    }
    const last = page.at(-1)
    if (!last || page.length < pageSize) return counts
    after = last.id
  }
}
