import type { RouteHandler } from '@hono/zod-openapi'
import { businessDateOf, type LedgerReader } from '@tenor/db/domain'
import {
  jobRuns,
  offerings,
  outboxMessages,
  payouts,
  plaidItems,
  purchases,
  users,
} from '@tenor/db/schema'
import { and, asc, count, desc, eq, inArray, isNotNull, ne, or, sql } from 'drizzle-orm'
import { recordAudit } from '../../admin/audit.ts'
import type { AppDeps, AuthedEnv } from '../../context.ts'
import { ApiError, notFound } from '../../lib/errors.ts'
import { forecastPayouts } from '../../maturities/forecast.ts'
import { callPlaid, toPlaidFailure } from '../../plaid/errors.ts'
import type * as routes from './operations.routes.ts'

const iso = (value: Date | null) => value?.toISOString() ?? null

export function createOperationsHandler(deps: AppDeps) {
  const { database, clock, env, plaid } = deps

  const getOperations: RouteHandler<typeof routes.getOperations, AuthedEnv> = async (c) => {
    // Each job's latest run, and the latest failures: jobs that run every few minutes with
    // nothing to do would otherwise fill the list.
    const latest = await database.db.all<{ id: string }>(
      sql`select id from (select id, row_number() over (partition by job order by started_at desc) as position from ${jobRuns}) where position = 1`,
    )
    const failedRuns = await database.db
      .select({ id: jobRuns.id })
      .from(jobRuns)
      .where(eq(jobRuns.outcome, 'failed'))
      .orderBy(desc(jobRuns.startedAt))
      .limit(20)
    const shownIds = [...new Set([...latest, ...failedRuns].map((row) => row.id))]
    const runs =
      shownIds.length === 0
        ? []
        : await database.db
            .select()
            .from(jobRuns)
            .where(inArray(jobRuns.id, shownIds))
            .orderBy(desc(jobRuns.startedAt))
    const toRun = (row: (typeof runs)[number]) => ({
      job: row.job,
      outcome: row.outcome,
      startedAt: row.startedAt.toISOString(),
      finishedAt: iso(row.finishedAt),
      counts: row.counts,
      error: row.error,
    })
    const [lastCheck] = await database.db
      .select()
      .from(jobRuns)
      .where(and(eq(jobRuns.job, 'ledger-check'), ne(jobRuns.outcome, 'skipped')))
      .orderBy(desc(jobRuns.startedAt))
      .limit(1)
    const [pending] = await database.db
      .select({ n: count() })
      .from(outboxMessages)
      .where(eq(outboxMessages.status, 'pending'))
    // Emails that did not reach their reader: failed, or suppressed by Postmark (which says why).
    // One Tenor withdrew before sending (its news went stale) is suppressed with no error, and
    // is nobody's to look into.
    const failed = await database.db
      .select()
      .from(outboxMessages)
      .where(
        or(
          eq(outboxMessages.status, 'failed'),
          and(eq(outboxMessages.status, 'suppressed'), isNotNull(outboxMessages.lastError)),
        ),
      )
      .orderBy(desc(outboxMessages.createdAt))
      .limit(50)
    const isHeld = inArray(payouts.state, ['returned', 'failed'])
    const held = await database.db
      .select({ payout: payouts, email: users.email, offeringName: offerings.name })
      .from(payouts)
      .innerJoin(users, eq(users.id, payouts.userId))
      .innerJoin(purchases, eq(purchases.id, payouts.purchaseId))
      .innerJoin(offerings, eq(offerings.id, purchases.offeringId))
      .where(isHeld)
      .orderBy(asc(payouts.updatedAt))
      .limit(100)
    // The whole of it, which the list (the longest held) may not show.
    const [heldTotal] = await database.db
      .select({
        count: count(),
        amountCents: sql<number>`coalesce(sum(${payouts.amountCents}), 0)`,
      })
      .from(payouts)
      .where(isHeld)
    const items = await database.db
      .select({ item: plaidItems, email: users.email })
      .from(plaidItems)
      .innerJoin(users, eq(users.id, plaidItems.userId))
      .where(inArray(plaidItems.status, ['needs_reconnect', 'revoked']))
      .orderBy(desc(plaidItems.statusChangedAt))
      .limit(100)

    const due = await forecastPayouts(
      database.db,
      businessDateOf(clock.now(), env.businessTimeZone),
    )
    const withheld = await readWithheldPayouts(database.db, due.withheldUnsent)
    // Held money in review goes to no account the investor gives: a person decides.
    const inReview = new Set(due.heldInReview)
    let available: number | null = null
    let fundingError: string | null = null
    try {
      const ledger = await callPlaid(() => plaid.transferLedgerGet({}))
      available = Math.round(Number(ledger.balance.available) * 100)
    } catch (error) {
      fundingError = `Plaid ledger unavailable (${toPlaidFailure(error).errorCode})`
    }

    return c.json(
      {
        workerRuns: runs.map(toRun),
        lastLedgerCheck: lastCheck ? toRun(lastCheck) : null,
        outbox: {
          pending: pending?.n ?? 0,
          failed: failed.map((row) => ({
            id: row.id,
            kind: row.kind,
            to: row.toAddress,
            lastError: row.lastError,
            createdAt: row.createdAt.toISOString(),
          })),
        },
        heldPayoutsTotal: {
          count: heldTotal?.count ?? 0,
          amountCents: Number(heldTotal?.amountCents ?? 0),
        },
        heldPayouts: held.map(({ payout, email, offeringName }) => ({
          purchaseId: payout.purchaseId,
          investorEmail: email,
          offeringName,
          kind: payout.kind,
          amountCents: payout.amountCents,
          reason: payout.failureReason,
          inReview: inReview.has(payout.purchaseId),
          since: payout.updatedAt.toISOString(),
        })),
        withheldPayouts: withheld.map(({ payout, email, offeringName }) => ({
          purchaseId: payout.purchaseId,
          investorEmail: email,
          offeringName,
          amountCents: payout.amountCents,
          since: payout.updatedAt.toISOString(),
        })),
        itemsNeedingReconnect: items.map(({ item, email }) => ({
          id: item.id,
          userEmail: email,
          institutionName: item.institutionName,
          status: item.status,
          since: item.statusChangedAt.toISOString(),
        })),
        payoutFunding: {
          plaidLedgerAvailableCents: available,
          dueNext7DaysCents: due.dueCents,
          withheldCents: due.withheldCents,
          shortfallCents: available === null ? null : Math.max(0, due.dueCents - available),
          error: fundingError,
        },
      },
      200,
    )
  }

  return getOperations
}

const withheldShown = 100

/**
 * The payouts of these notes, which the forecast found withheld for review (`sendPayout`), with
 * whose and which note they are. Longest waiting first; a payout first withheld carries that
 * time, one the worker has not reached yet its maturity's.
 */
function readWithheldPayouts(db: LedgerReader, purchaseIds: string[]) {
  return db
    .select({ payout: payouts, email: users.email, offeringName: offerings.name })
    .from(payouts)
    .innerJoin(users, eq(users.id, payouts.userId))
    .innerJoin(purchases, eq(purchases.id, payouts.purchaseId))
    .innerJoin(offerings, eq(offerings.id, purchases.offeringId))
    .where(and(inArray(payouts.purchaseId, purchaseIds), eq(payouts.kind, 'maturity')))
    .orderBy(asc(payouts.updatedAt))
    .limit(withheldShown)
}

/**
 * Puts an email the worker gave up on, or Postmark suppressed, back in the outbox, with its
 * audit, only from the state it was read in. Its tries start again from one: a message tried
 * before is looked up at Postmark by its outbox id before it is sent (`deliverEmails`), so a
 * try whose answer was lost is not sent twice.
 */
export function createRetryEmailHandler(deps: AppDeps) {
  const { database, clock } = deps
  const retryEmail: RouteHandler<typeof routes.retryEmail, AuthedEnv> = async (c) => {
    const { emailId } = c.req.valid('param')
    const adminId = c.get('user').id
    const now = clock.now()
    const outcome = await database.write(async (tx) => {
      const message = await tx.query.outboxMessages.findFirst({
        where: eq(outboxMessages.id, emailId),
      })
      if (!message) return 'missing'
      const undelivered =
        message.status === 'failed' || (message.status === 'suppressed' && message.lastError)
      if (!undelivered) return 'not undelivered'
      const moved = await tx
        .update(outboxMessages)
        .set({ status: 'pending', attempts: Math.min(message.attempts, 1), nextAttemptAt: now })
        .where(and(eq(outboxMessages.id, emailId), eq(outboxMessages.status, message.status)))
      if (moved.rowsAffected !== 1) return 'not undelivered'
      await recordAudit(tx, {
        adminId,
        action: 'email.retried',
        targetType: 'email',
        targetId: emailId,
        before: {
          status: message.status,
          attempts: message.attempts,
          lastError: message.lastError,
        },
        after: { status: 'pending', kind: message.kind },
        at: now,
      })
      return 'retried'
    })
    if (outcome === 'missing') throw notFound('email')
    if (outcome === 'not undelivered') {
      throw new ApiError(
        409,
        'not_undelivered',
        'This email was not given up on: it was sent, or it is waiting to be.',
      )
    }
    return c.json({ email: { id: emailId, status: 'pending' as const } }, 200)
  }
  return retryEmail
}
