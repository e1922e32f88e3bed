import { businessDateOf, type CalendarDate } from '@tenor/db/domain'
import type { Logger } from '@tenor/db/logger'
import { payouts, purchases } from '@tenor/db/schema'
import { and, asc, eq, gt, lte } from 'drizzle-orm'
import type { PurchaseDeps } from '../purchases/deps.ts'
import { outcomeContextOf } from '../purchases/outcomes.ts'
import { type MaturityResult, maturePurchase } from './mature.ts'
import { pagesById } from './paging.ts'
import { writeRetrying } from './records.ts'
import { type SendOutcome, sendPayout } from './send.ts'

// Holdings are read a page of ids at a time, so memory stays flat however many mature at once.
const pageSize = 200

/**
 * How many payouts of a page are sent at once. Each waits on two Plaid calls, so one at a time
 * would leave the worker idle for most of a large run; the database writes between the calls
 * still go through the write queue one by one.
 */
export const payoutSendConcurrency = 8

// How long sending waits, once caught up with the maturities of its run, before looking again.
const followPauseMs = 50

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

  const due = pagesById(pageSize, (after) =>
    deps.database.db
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
      .limit(pageSize),
  )
  for await (const page of due) {
    for (const { id } of page) {
      await yieldToEventLoop()
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
  }
  return counts
}

export type PayoutCounts = Record<SendOutcome, number> & { payoutErrors: number }

/**
 * Sends every `initiated` maturity payout, paging by id, `payoutSendConcurrency` at a time. Each
 * is independent: one that Plaid declines or does not answer stays `initiated` for the next
 * run, and the rest go on.
 *
 * With `alongside` (the maturities of the same run), payouts are sent while holdings are still
 * maturing: once caught up, it looks again for newer payouts until that work has ended, then
 * once more. Ids are time-ordered, so every payout written after the last one read comes later
 * in the paging; one that does not would wait for the next run, never be sent twice.
 */
export async function sendDuePayouts(
  deps: PurchaseDeps,
  log: Logger,
  options: { alongside?: Promise<unknown> } = {},
): Promise<PayoutCounts> {
  const counts: PayoutCounts = {
    sent: 0,
    waiting: 0,
    withheld: 0,
    stillWithheld: 0,
    declined: 0,
    refused: 0,
    held: 0,
    skipped: 0,
    payoutErrors: 0,
  }

  let maturing = options.alongside !== undefined
  const ended = () => {
    maturing = false
  }
  options.alongside?.then(ended, ended)

  let after = ''
  for (;;) {
    const following = maturing
    const page = await deps.database.db
      .select({ id: payouts.id })
      .from(payouts)
      .where(
        and(eq(payouts.state, 'initiated'), eq(payouts.kind, 'maturity'), gt(payouts.id, after)),
      )
      .orderBy(asc(payouts.id))
      .limit(pageSize)

    await eachAtOnce(page, payoutSendConcurrency, async ({ id }) => {
      try {
        counts[await sendPayout(deps, id, log)] += 1
      } catch (error) {
        counts.payoutErrors += 1
        log.error('could not send a payout; the next run tries again', { payoutId: id, error })
      }
    })
    after = page.at(-1)?.id ?? after
    if (page.length < pageSize && !following) return counts
    if (page.length < pageSize) await Bun.sleep(followPauseMs)
  }
}

/** Runs `work` on every item, at most `limit` at a time. */
async function eachAtOnce<T>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0
  const lane = async () => {
    for (let item = items[next++]; item !== undefined; item = items[next++]) await work(item)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane))
}

/**
 * libSQL runs a local file's statements synchronously, so maturities one after another settle
 * in promise callbacks without ever returning to the event loop. Two things wait for it there:
 * the native statements each maturity prepared, which are only freed from the loop (without a
 * turn, memory grows with every holding of the run), and the Plaid answers of payouts being
 * sent alongside. A turn before each holding serves both.
 */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
