import type { RouteHandler, z } from '@hono/zod-openapi'
import { addDays, startOfBusinessDate, toCalendarDate } from '@tenor/db/domain'
import {
  ledgerAccounts,
  ledgerEntries,
  ledgerTransactions,
  offerings,
  purchaseEvents,
  purchases,
  transferEvents,
  users,
} from '@tenor/db/schema'
import { and, asc, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm'
import { requestApproval } from '../../admin/approvals.ts'
import type { AppDeps, AuthedEnv } from '../../context.ts'
import { ApiError, notFound } from '../../lib/errors.ts'
import { formatDecimalAmount } from '../../purchases/funding.ts'
import { findDebitAuthorization } from '../../purchases/records.ts'
import { toCsvCell } from '../../purchases/statement.ts'
import type * as routes from './purchases.routes.ts'

type Filters = z.infer<typeof routes.purchaseFilters>

type PurchaseRow = typeof purchases.$inferSelect

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
    failureCode: purchase.failureCode,
    settledOn: purchase.settledOn,
    maturityDate: purchase.maturityDate,
    createdAt: purchase.createdAt.toISOString(),
  }
}

export function createAdminPurchaseHandlers(deps: AppDeps) {
  const { database, env } = deps
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

  async function search(filters: Filters, cap: number) {
    const conditions: (SQL | undefined)[] = [
      filters.offeringId ? eq(purchases.offeringId, filters.offeringId) : undefined,
      filters.userId ? eq(purchases.userId, filters.userId) : undefined,
      filters.email ? eq(users.email, filters.email.toLowerCase()) : undefined,
      filters.state ? eq(purchases.state, filters.state) : undefined,
      // Days are business days, as the console shows them: New York's, not UTC's.
      filters.from ? gte(purchases.createdAt, dayStart(filters.from)) : undefined,
      filters.to ? lt(purchases.createdAt, dayStart(filters.to, 1)) : undefined,
      filters.minCents ? gte(purchases.amountCents, Number(filters.minCents)) : undefined,
      filters.maxCents ? lte(purchases.amountCents, Number(filters.maxCents)) : undefined,
    ]
    const rows = await selectPurchases()
      .where(and(...conditions))
      .orderBy(desc(purchases.createdAt), desc(purchases.id))
      .limit(Math.min(Number(filters.limit ?? cap), cap))
    return rows.map(toAdminPurchase)
  }

  const searchPurchases: RouteHandler<typeof routes.searchPurchases, AuthedEnv> = async (c) =>
    c.json({ purchases: await search(c.req.valid('query'), 200) }, 200)

  const exportPurchases: RouteHandler<typeof routes.exportPurchases, AuthedEnv> = async (c) => {
    const rows = await search(c.req.valid('query'), 10_000)
    const header = [
      'purchase_id',
      'investor_email',
      'offering',
      'amount_usd',
      'rate_percent',
      'state',
      'settled_on',
      'maturity_date',
      'failure_code',
      'created_at',
    ]
    const lines = rows.map((row) =>
      [
        row.id,
        row.investorEmail,
        row.offeringName,
        formatDecimalAmount(row.amountCents),
        // Basis points are hundredths of a percent: 575 reads 5.75.
        formatDecimalAmount(row.rateBps),
        row.state,
        row.settledOn,
        row.maturityDate,
        row.failureCode,
        row.createdAt,
      ]
        .map(toCsvCell)
        .join(','),
    )
    c.header('Content-Disposition', 'attachment; filename="tenor-purchases.csv"')
    return c.body(`${[header.join(','), ...lines].join('\r\n')}\r\n`, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
    })
  }

  const getPurchase: RouteHandler<typeof routes.getPurchase, AuthedEnv> = async (c) => {
    const { purchaseId } = c.req.valid('param')
    const [found] = await selectPurchases().where(eq(purchases.id, purchaseId))
    if (!found) throw notFound('purchase')
    const [history, events, ledger, authorization] = await Promise.all([
      database.db
        .select()
        .from(purchaseEvents)
        .where(eq(purchaseEvents.purchaseId, purchaseId))
        .orderBy(asc(purchaseEvents.createdAt), asc(purchaseEvents.id)),
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
        .where(eq(ledgerTransactions.purchaseId, purchaseId))
        .orderBy(asc(ledgerTransactions.createdAt), asc(ledgerEntries.id)),
      findDebitAuthorization(database.db, purchaseId),
    ])
    return c.json(
      {
        purchase: toAdminPurchase(found),
        history: history.map((event) => ({
          fromState: event.fromState,
          toState: event.toState,
          reason: event.reason,
          at: event.createdAt.toISOString(),
        })),
        transferEvents: events.map((event) => ({
          eventId: event.eventId,
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

  const requestRefund: RouteHandler<typeof routes.requestRefund, AuthedEnv> = async (c) => {
    const { purchaseId } = c.req.valid('param')
    const purchase = await database.db.query.purchases.findFirst({
      where: eq(purchases.id, purchaseId),
    })
    if (!purchase) throw notFound('purchase')
    if (purchase.state !== 'pending' && purchase.state !== 'active') {
      throw new ApiError(409, 'not_refundable', `A ${purchase.state} purchase cannot be refunded.`)
    }
    const approvalId = await requestApproval(deps, {
      action: 'purchase.refund',
      targetType: 'purchase',
      targetId: purchase.id,
      payload: { reason: c.req.valid('json').reason, amountCents: purchase.amountCents },
      adminId: c.get('user').id,
    })
    return c.json({ approvalId, state: 'pending' as const }, 202)
  }

  return { searchPurchases, exportPurchases, getPurchase, requestRefund }
}
