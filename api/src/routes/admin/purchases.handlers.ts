import type { RouteHandler, z } from '@hono/zod-openapi'
import {
  accounts,
  addDays,
  businessDateOf,
  describeCalendarDate,
  isUndoneState,
  startOfBusinessDate,
  toCalendarDate,
} from '@tenor/db/domain'
import {
  ledgerAccounts,
  ledgerEntries,
  ledgerTransactions,
  offerings,
  payouts,
  purchases,
  transferEvents,
  users,
} from '@tenor/db/schema'
import { and, asc, desc, eq, gte, inArray, lt, lte, or, type SQL, sql } from 'drizzle-orm'
import type { Context } from 'hono'
import { type ApprovalAction, requestApproval } from '../../admin/approvals.ts'
import type { AppDeps, AuthedEnv } from '../../context.ts'
import { ApiError, notFound } from '../../lib/errors.ts'
import { contains } from '../../lib/like.ts'
import { reportError } from '../../lib/sentry.ts'
import { judgePayoutCancel } from '../../maturities/cancel-payout.ts'
import { formatDecimalAmount } from '../../purchases/funding.ts'
import { readEventsStoredThrough, readPaymentReview } from '../../purchases/funding-in-doubt.ts'
import { findDebitAuthorization } from '../../purchases/records.ts'
import { toCsvCell } from '../../purchases/statement.ts'
import { earlyRepaymentReasonOf, listPurchaseViews } from '../../purchases/views.ts'
import type * as routes from './purchases.routes.ts'

type Filters = z.infer<typeof routes.purchaseFilters>

type PurchaseRow = typeof purchases.$inferSelect

/** The accounts that belong to one purchase's note. */
const noteAccountsOf = (purchaseId: string) => [
  accounts.notePrincipal(purchaseId),
  accounts.noteInterestPayable(purchaseId),
]

function toAdminPurchase(row: {
  purchase: PurchaseRow
  email: string
  slug: string
  offeringName: string
}) {
  const { purchase } = row
  return {
    id: purchase.id,
    userId: purchase.userId,
    investorEmail: row.email,
    offeringId: purchase.offeringId,
    offeringSlug: row.slug,
    offeringName: row.offeringName,
    amountCents: purchase.amountCents,
    rateBps: purchase.rateBps,
    state: purchase.state,
    transferId: purchase.transferId,
    rolledFromPurchaseId: purchase.rolledFromPurchaseId,
    failureCode: purchase.failureCode,
    settledOn: purchase.settledOn,
    maturityDate: purchase.maturityDate,
    repaymentReason: earlyRepaymentReasonOf(purchase),
    createdAt: purchase.createdAt.toISOString(),
  }
}

const exportPageSize = 500

const csvHeader = [
  'purchase_id',
  'investor_email',
  'offering',
  'amount_usd',
  'rate_percent',
  'state',
  'settled_on',
  'maturity_date',
  // `refund` or `offering_cancelled` for a note Tenor repays early: maturity_date is then the
  // repayment date.
  'repaid_early',
  'failure_code',
  'created_at',
]

function toCsvLine(row: Parameters<typeof toAdminPurchase>[0]): string {
  const { purchase } = row
  const cells = [
    purchase.id,
    row.email,
    row.offeringName,
    formatDecimalAmount(purchase.amountCents),
    // Basis points are hundredths of a percent: 575 reads 5.75.
    formatDecimalAmount(purchase.rateBps),
    purchase.state,
    purchase.settledOn,
    // An undone purchase (a debit that came back after it settled too) never matures.
    isUndoneState(purchase.state) ? null : purchase.maturityDate,
    earlyRepaymentReasonOf(purchase),
    purchase.failureCode,
    purchase.createdAt.toISOString(),
  ]
  return `${cells.map(toCsvCell).join(',')}\r\n`
}

export function createAdminPurchaseHandlers(deps: AppDeps) {
  const { database, env, clock } = deps
  const selectPurchases = () =>
    database.db
      .select({
        purchase: purchases,
        email: users.email,
        slug: offerings.slug,
        offeringName: offerings.name,
      })
      .from(purchases)
      .innerJoin(users, eq(users.id, purchases.userId))
      .innerJoin(offerings, eq(offerings.id, purchases.offeringId))

  const dayStart = (date: string, laterBy = 0) =>
    startOfBusinessDate(addDays(toCalendarDate(date), laterBy), env.businessTimeZone)

  function searchConditions(filters: Filters): SQL | undefined {
    return and(
      filters.offeringId ? eq(purchases.offeringId, filters.offeringId) : undefined,
      filters.userId ? eq(purchases.userId, filters.userId) : undefined,
      // All or part of the investor's address.
      filters.email ? contains(users.email, filters.email) : undefined,
      filters.state ? eq(purchases.state, filters.state) : undefined,
      // Days are business days, as the console shows them: New York's, not UTC's.
      filters.from ? gte(purchases.createdAt, dayStart(filters.from)) : undefined,
      filters.to ? lt(purchases.createdAt, dayStart(filters.to, 1)) : undefined,
      filters.minCents ? gte(purchases.amountCents, Number(filters.minCents)) : undefined,
      filters.maxCents ? lte(purchases.amountCents, Number(filters.maxCents)) : undefined,
    )
  }

  /** Newest first; `after` continues from the last row of the previous page. */
  function searchPage(filters: Filters, limit: number, after?: PurchaseRow) {
    return selectPurchases()
      .where(
        and(
          searchConditions(filters),
          // A row-value comparison, which SQLite answers from the (created_at, id) index.
          after
            ? sql`(${purchases.createdAt}, ${purchases.id}) < (${after.createdAt.getTime()}, ${after.id})`
            : undefined,
        ),
      )
      .orderBy(desc(purchases.createdAt), desc(purchases.id))
      .limit(limit)
  }

  const searchPurchases: RouteHandler<typeof routes.searchPurchases, AuthedEnv> = async (c) => {
    const filters = c.req.valid('query')
    const rows = await searchPage(filters, Math.min(Number(filters.limit ?? 200), 200))
    return c.json({ purchases: rows.map(toAdminPurchase) }, 200)
  }

  /**
   * Every matching purchase, however many: read a page at a time as the download is taken, so
   * memory stays flat. A read that fails mid-way aborts the download rather than ending it
   * short, so a browser reports it failed instead of saving part of the file.
   */
  const exportPurchases: RouteHandler<typeof routes.exportPurchases, AuthedEnv> = async (c) => {
    const filters = c.req.valid('query')
    const encoder = new TextEncoder()
    let after: PurchaseRow | undefined
    let started = false
    // Every match, or as many as `limit` asks for.
    let left = filters.limit ? Number(filters.limit) : Number.POSITIVE_INFINITY
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (!started) {
          started = true
          controller.enqueue(encoder.encode(`${csvHeader.join(',')}\r\n`))
          return
        }
        let rows: Awaited<ReturnType<typeof searchPage>>
        try {
          rows = await searchPage(filters, Math.min(exportPageSize, left), after)
        } catch (error) {
          // The answer has started, so the app's error handler cannot answer 500: log and
          // report here, and abort the download.
          c.get('log').error('purchase export stopped', { error })
          reportError(error, { requestId: c.get('requestId'), route: c.req.routePath })
          controller.error(error)
          return
        }
        if (rows.length > 0) {
          after = rows.at(-1)?.purchase
          left -= rows.length
          controller.enqueue(encoder.encode(rows.map(toCsvLine).join('')))
        }
        if (rows.length < exportPageSize || left <= 0) controller.close()
      },
    })
    c.header('Content-Disposition', 'attachment; filename="tenor-purchases.csv"')
    return c.body(body, 200, { 'Content-Type': 'text/csv; charset=utf-8' })
  }

  /**
   * Postings with an entry on any of these accounts. A posting names one purchase, so one that
   * moves money into another purchase's note (a rollover credits the new note's principal) is
   * found by its entries, not its reference.
   */
  const postingsTouching = (codes: string[]) =>
    database.db
      .selectDistinct({ id: ledgerEntries.transactionId })
      .from(ledgerEntries)
      .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
      .where(inArray(ledgerAccounts.code, codes))

  const getPurchase: RouteHandler<typeof routes.getPurchase, AuthedEnv> = async (c) => {
    const { purchaseId } = c.req.valid('param')
    const [found] = await selectPurchases().where(eq(purchases.id, purchaseId))
    if (!found) throw notFound('purchase')
    // Read before the rest: a return stored after it, which the page may not show, stops a
    // release asked from this page (`requestPayoutRelease`).
    const seenThroughEventId = await readEventsStoredThrough(database.db)
    const [events, ledger, authorization, views] = await Promise.all([
      database.db
        .select()
        .from(transferEvents)
        .where(eq(transferEvents.purchaseId, purchaseId))
        .orderBy(asc(transferEvents.eventId)),
      database.db
        .select({
          transactionId: ledgerTransactions.id,
          kind: ledgerTransactions.kind,
          effectiveDate: ledgerTransactions.effectiveDate,
          account: ledgerAccounts.code,
          debitCents: ledgerEntries.debitCents,
          creditCents: ledgerEntries.creditCents,
        })
        .from(ledgerEntries)
        .innerJoin(ledgerTransactions, eq(ledgerTransactions.id, ledgerEntries.transactionId))
        .innerJoin(ledgerAccounts, eq(ledgerAccounts.id, ledgerEntries.accountId))
        .where(
          or(
            eq(ledgerTransactions.purchaseId, purchaseId),
            inArray(ledgerTransactions.id, postingsTouching(noteAccountsOf(purchaseId))),
          ),
        )
        .orderBy(asc(ledgerTransactions.createdAt), asc(ledgerEntries.id)),
      findDebitAuthorization(database.db, purchaseId),
      // The note as its investor sees it: its terms, its history and what happens at maturity.
      listPurchaseViews(database.db, {
        userId: found.purchase.userId,
        purchaseId,
        today: businessDateOf(clock.now(), env.businessTimeZone),
        timeZone: env.businessTimeZone,
      }),
    ])
    const [view] = views
    if (!view) throw notFound('purchase')
    // A note a rollover links to another may be closed with it while none of it is withheld
    // (one rolled over in full, or one still earning), so the chain is looked at too.
    const linked = view.rolledInto !== null || found.purchase.rolledFromPurchaseId !== null
    const paymentReview =
      view.payment?.stage === 'in_review' || (linked && !isUndoneState(found.purchase.state))
        ? await describePaymentReview(purchaseId)
        : null
    // The investor's view leaves out a cancelled payout (the note reads as returned); the
    // console says what was not paid, and when.
    const cancelled =
      found.purchase.state === 'returned'
        ? await database.db.query.payouts.findFirst({
            columns: { amountCents: true, updatedAt: true },
            where: and(
              eq(payouts.purchaseId, purchaseId),
              eq(payouts.kind, 'maturity'),
              eq(payouts.state, 'cancelled'),
            ),
          })
        : undefined
    return c.json(
      {
        purchase: toAdminPurchase(found),
        terms: view.terms,
        payout: view.payout,
        payment: view.payment,
        paymentReview,
        reviewSeenThroughEventId: paymentReview ? seenThroughEventId : null,
        cancelledPayment: cancelled
          ? { amountCents: cancelled.amountCents, cancelledAt: cancelled.updatedAt.toISOString() }
          : null,
        maturity: {
          instruction: view.maturityInstruction,
          rolloverOffering: view.rolloverOffering,
          rolledInto: view.rolledInto,
        },
        history: view.history.map((event) => ({
          fromState: event.from,
          toState: event.to,
          reason: event.reason,
          at: event.at,
        })),
        transferEvents: events.map((event) => ({
          eventId: event.eventId,
          transferId: event.transferId,
          eventType: event.eventType,
          receivedAt: event.receivedAt.toISOString(),
          applied: event.appliedAt !== null,
        })),
        ledger,
        authorization: authorization && {
          wording: authorization.wording,
          wordingVersion: authorization.wordingVersion,
          amountCents: authorization.amountCents,
          bankAccountId: authorization.bankAccountId,
          ipAddress: authorization.ipAddress,
          userAgent: authorization.userAgent,
          at: authorization.createdAt.toISOString(),
        },
      },
      200,
    )
  }

  /** The purchase a console request is about, with its investor and note; 404 if none. */
  async function findRequested(purchaseId: string) {
    const [found] = await selectPurchases().where(eq(purchases.id, purchaseId))
    if (!found) throw notFound('purchase')
    return found
  }

  /**
   * Asks a second administrator to decide `action` on the purchase, with what they need to see:
   * whose money, in which note, why, any amount the action is about (`payoutCents`), and for a
   * release the last transfer event the review had seen (`seenThroughEventId`).
   */
  async function askAboutPurchase(
    c: Context<AuthedEnv>,
    action: ApprovalAction,
    found: Awaited<ReturnType<typeof findRequested>>,
    input: { reason: string; payoutCents?: number; seenThroughEventId?: number },
  ) {
    const { reason, ...details } = input
    const approvalId = await requestApproval(deps, {
      action,
      targetType: 'purchase',
      targetId: found.purchase.id,
      payload: {
        reason,
        amountCents: found.purchase.amountCents,
        ...details,
        investorEmail: found.email,
        offeringName: found.offeringName,
      },
      adminId: c.get('user').id,
    })
    return c.json({ approvalId, state: 'pending' as const }, 202)
  }

  const requestRefund: RouteHandler<typeof routes.requestRefund, AuthedEnv> = async (c) => {
    const found = await findRequested(c.req.valid('param').purchaseId)
    const { purchase } = found
    if (purchase.state !== 'pending' && purchase.state !== 'active') {
      throw new ApiError(
        409,
        'not_refundable',
        `The purchase is ${purchase.state}: only a pending or active one can be refunded.`,
      )
    }
    // A refund would only set the date again, and a note keeps the first date it was given.
    if (purchase.repaymentScheduledAt) {
      const why =
        purchase.repaymentReason === 'refund'
          ? 'an earlier refund was approved; another'
          : 'its offering was cancelled; a refund'
      throw new ApiError(
        409,
        'repayment_scheduled',
        `This note is already set to be repaid on ${describeCalendarDate(purchase.maturityDate ?? '')}, as ${why} would change nothing.`,
      )
    }
    return askAboutPurchase(c, 'purchase.refund', found, { reason: c.req.valid('json').reason })
  }

  const requestPayoutRelease: RouteHandler<typeof routes.requestPayoutRelease, AuthedEnv> = async (
    c,
  ) => {
    const { purchaseId } = c.req.valid('param')
    const { reason, seenThroughEventId: seenOnPage } = c.req.valid('json')
    const found = await findRequested(purchaseId)
    // What the review could see: the events stored when its page was read, never more than are
    // stored now. A return stored after it has a later id, and the release refuses to go on it
    // (`releasePayout`).
    const seenThroughEventId = Math.min(seenOnPage, await readEventsStoredThrough(database.db))
    const inReview = await readPaymentReview(database.db, purchaseId)
    if (!inReview) {
      throw new ApiError(
        409,
        'not_in_review',
        'This note has no payout withheld for review: only one whose funding is in doubt can be released.',
      )
    }
    if (inReview.review === 'debit_returned') {
      throw new ApiError(
        409,
        'funding_returned',
        "The debit that paid for this note came back, so its money is back in the investor's bank: paying the note out would pay it twice.",
      )
    }
    return askAboutPurchase(c, 'payout.release', found, {
      reason,
      payoutCents: inReview.payout.amountCents,
      seenThroughEventId,
    })
  }

  /** What two administrators can do with a payout withheld for review (`paymentReview`). */
  async function describePaymentReview(
    purchaseId: string,
  ): Promise<'releasable' | 'cancellable' | 'debit_returned' | null> {
    const { refused } = await judgePayoutCancel(database.db, purchaseId)
    switch (refused?.code) {
      case undefined:
        return 'cancellable'
      case 'not_in_review':
        return null
      case 'funding_not_returned':
        return 'releasable'
      case 'payout_sent':
        return 'debit_returned'
    }
  }

  const requestPayoutCancel: RouteHandler<typeof routes.requestPayoutCancel, AuthedEnv> = async (
    c,
  ) => {
    const { purchaseId } = c.req.valid('param')
    const found = await findRequested(purchaseId)
    const judged = await judgePayoutCancel(database.db, purchaseId)
    if (judged.refused) throw new ApiError(409, judged.refused.code, judged.refused.message)
    return askAboutPurchase(c, 'payout.cancel', found, {
      reason: c.req.valid('json').reason,
      payoutCents: judged.payoutCents,
    })
  }

  return {
    searchPurchases,
    exportPurchases,
    getPurchase,
    requestRefund,
    requestPayoutRelease,
    requestPayoutCancel,
  }
}
