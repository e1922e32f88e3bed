import type { RouteHandler, z } from '@hono/zod-openapi'
import { newId } from '@tenor/db'
import {
  businessDateOf,
  type CalendarDate,
  defaultMaturityInstruction,
  describeCalendarDate,
} from '@tenor/db/domain'
import { offerings, purchases } from '@tenor/db/schema'
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm'
import type { Context } from 'hono'
import { publishPayload } from '../../admin/approval-actions.ts'
import { requestApproval } from '../../admin/approvals.ts'
import { recordAudit } from '../../admin/audit.ts'
import {
  checkOfferingTerms,
  checkPayoutInReach,
  type TermsIssue,
} from '../../admin/offering-terms.ts'
import type { AppDeps, AuthedEnv } from '../../context.ts'
import { ApiError, notFound } from '../../lib/errors.ts'
import { refusedInput, validationFailed, validationIssues } from '../../lib/openapi.ts'
import type * as routes from './offerings.routes.ts'
import { offeringTerms } from './offerings.routes.ts'
import { readMaturitySchedule } from './offerings.schedule.ts'

type OfferingRow = typeof offerings.$inferSelect

const invalidTerms = (issues: TermsIssue[]) =>
  new ApiError(422, 'validation_failed', 'The terms are incomplete or inconsistent.', { issues })
const wrongStatus = (message: string) => new ApiError(409, 'wrong_status', message)
const stoppedSelling = (row: OfferingRow) =>
  new ApiError(
    409,
    'offering_closed',
    `${row.name} stopped selling on ${describeCalendarDate(row.closesOn)}. Nothing can be bought or rolled into it now, so its rate cannot change.`,
  )

/**
 * The fields of a refused form that are well formed on their own, as they would be stored, so
 * what they say about each other can be named alongside the others' problems.
 */
function wellFormedTerms(raw: unknown): Partial<OfferingRow> {
  if (typeof raw !== 'object' || raw === null) return {}
  const fields = offeringTerms.shape
  const terms: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(raw)) {
    const parsed = Object.hasOwn(fields, key)
      ? fields[key as keyof typeof fields].safeParse(value)
      : null
    if (parsed?.success) terms[key] = parsed.data
  }
  return terms as Partial<OfferingRow>
}

/**
 * A refused new offering's answer: each ill-formed field's problem, and how the well-formed ones
 * disagree with each other (judged with the default instruction it would get), in one 422.
 */
export function refusedTerms(
  result: { success: true } | { success: false; error: z.ZodError },
  c: Context<AuthedEnv>,
) {
  if (result.success) return
  return validationFailed(c, termsIssues(result, { defaultMaturityInstruction }))
}

function termsIssues(
  refused: { error: z.ZodError },
  base: Partial<OfferingRow>,
): ReturnType<typeof validationIssues> {
  const issues = validationIssues(refused.error)
  const asked = wellFormedTerms(refusedInput(refused))
  for (const issue of checkOfferingTerms({ ...base, ...asked })) {
    if (!issues.some((known) => known.path === issue.path)) issues.push(issue)
  }
  return issues
}

/**
 * A refused edit: an offering that is not there, or no longer a draft, is said first, as a
 * well-formed edit would be told; fixing the form would not help.
 */
export function refusedEdit(
  load: (id: string) => Promise<OfferingRow>,
  result: { success: true } | { success: false; error: z.ZodError },
  c: Context<AuthedEnv>,
) {
  if (result.success) return
  return load(c.req.param('offeringId') ?? '').then((row) => {
    if (row.status !== 'draft') throw wrongStatus('Only drafts can be edited.')
    // Judged with the draft's stored terms, as the edit would be.
    return validationFailed(c, termsIssues(result, row))
  })
}

/** Where today's business date falls against the offering's purchase window. */
function windowOn(row: OfferingRow, today: CalendarDate): 'before' | 'within' | 'after' {
  if (today < row.opensOn) return 'before'
  return today > row.closesOn ? 'after' : 'within'
}

export function createAdminOfferingHandlers(deps: AppDeps) {
  const { database, clock, env } = deps
  const today = () => businessDateOf(clock.now(), env.businessTimeZone)

  async function purchaseCounts(ids: string[]) {
    if (ids.length === 0) return new Map<string, Record<string, number>>()
    const rows = await database.db
      .select({ offeringId: purchases.offeringId, state: purchases.state, n: count() })
      .from(purchases)
      .where(inArray(purchases.offeringId, ids))
      .groupBy(purchases.offeringId, purchases.state)
    const byOffering = new Map<string, Record<string, number>>()
    for (const row of rows) {
      const states = byOffering.get(row.offeringId) ?? {}
      states[row.state] = row.n
      byOffering.set(row.offeringId, states)
    }
    return byOffering
  }

  const view = (row: OfferingRow, states: Record<string, number> = {}) => ({
    ...row,
    window: windowOn(row, today()),
    createdAt: undefined,
    updatedAt: undefined,
    purchasesByState: states,
  })

  async function load(id: string): Promise<OfferingRow> {
    const row = await database.db.query.offerings.findFirst({ where: eq(offerings.id, id) })
    if (!row) throw notFound('offering')
    return row
  }

  /** Moves an offering from one status to another, once, with an audit record. */
  async function move(
    adminId: string,
    row: OfferingRow,
    from: OfferingRow['status'],
    to: OfferingRow['status'],
  ) {
    const now = clock.now()
    const moved = await database.write(async (tx) => {
      const result = await tx
        .update(offerings)
        .set({ status: to, updatedAt: now })
        .where(and(eq(offerings.id, row.id), eq(offerings.status, from)))
        .returning()
      if (!result[0]) return null
      await recordAudit(tx, {
        adminId,
        action: `offering.${to}`,
        targetType: 'offering',
        targetId: row.id,
        before: { status: from },
        after: { status: to },
        at: now,
      })
      return result[0]
    })
    if (!moved) throw wrongStatus(`This offering is ${row.status}.`)
    return moved
  }

  const list: RouteHandler<typeof routes.listOfferings, AuthedEnv> = async (c) => {
    const rows = await database.db
      .select()
      .from(offerings)
      .orderBy(asc(offerings.opensOn), asc(offerings.slug))
    const counts = await purchaseCounts(rows.map((row) => row.id))
    return c.json({ offerings: rows.map((row) => view(row, counts.get(row.id))) }, 200)
  }

  const get: RouteHandler<typeof routes.getOffering, AuthedEnv> = async (c) => {
    const row = await load(c.req.valid('param').offeringId)
    const counts = await purchaseCounts([row.id])
    const maturitySchedule = await readMaturitySchedule(database.db, row, {
      today: today(),
      timeZone: env.businessTimeZone,
    })
    return c.json({ offering: view(row, counts.get(row.id)), maturitySchedule }, 200)
  }

  const create: RouteHandler<typeof routes.createOffering, AuthedEnv> = async (c) => {
    const input = c.req.valid('json')
    const terms = {
      ...input,
      defaultMaturityInstruction: input.defaultMaturityInstruction ?? defaultMaturityInstruction,
    }
    const issues = checkOfferingTerms(terms)
    if (issues.length > 0) throw invalidTerms(issues)
    const now = clock.now()
    const row = await database.write(async (tx) => {
      const inserted = await tx
        .insert(offerings)
        .values({ id: newId(), ...terms, status: 'draft', createdAt: now, updatedAt: now })
        .onConflictDoNothing({ target: offerings.slug })
        .returning()
      const created = inserted[0]
      if (!created) return null
      await recordAudit(tx, {
        adminId: c.get('user').id,
        action: 'offering.create',
        targetType: 'offering',
        targetId: created.id,
        after: terms,
        at: now,
      })
      return created
    })
    if (!row) throw new ApiError(409, 'slug_taken', 'Another offering already uses this slug.')
    return c.json({ offering: view(row) }, 201)
  }

  const edit: RouteHandler<typeof routes.editOffering, AuthedEnv> = async (c) => {
    const row = await load(c.req.valid('param').offeringId)
    if (row.status !== 'draft') throw wrongStatus('Only drafts can be edited.')
    // Only what differs is written and audited: saving an unchanged form changes nothing.
    const asked = c.req.valid('json')
    const changes = Object.fromEntries(
      Object.entries(asked).filter(([key, value]) => row[key as keyof OfferingRow] !== value),
    ) as typeof asked
    const issues = checkOfferingTerms({ ...row, ...changes })
    if (issues.length > 0) throw invalidTerms(issues)
    if (Object.keys(changes).length === 0) return c.json({ offering: view(row) }, 200)
    const now = clock.now()
    const outcome = await database.write(async (tx) => {
      // Still a draft when written: an edit that meets a publish never changes live terms. A
      // new slug is taken in the same statement, so two drafts cannot end up sharing one.
      const [result] = await tx
        .update(offerings)
        .set({ ...changes, updatedAt: now })
        .where(
          and(
            eq(offerings.id, row.id),
            eq(offerings.status, 'draft'),
            changes.slug === undefined
              ? undefined
              : sql`not exists (select 1 from ${offerings} as other where other.slug = ${changes.slug} and other.id <> ${row.id})`,
          ),
        )
        .returning()
      if (!result) {
        const current = await tx.query.offerings.findFirst({ where: eq(offerings.id, row.id) })
        return current?.status === 'draft' ? 'slug_taken' : 'published'
      }
      await recordAudit(tx, {
        adminId: c.get('user').id,
        action: 'offering.edit',
        targetType: 'offering',
        targetId: row.id,
        before: Object.fromEntries(
          Object.keys(changes).map((key) => [key, row[key as keyof OfferingRow]]),
        ),
        after: changes,
        at: now,
      })
      return result
    })
    if (outcome === 'slug_taken') {
      throw new ApiError(409, 'slug_taken', 'Another offering already uses this slug.')
    }
    if (outcome === 'published') {
      throw wrongStatus('Only drafts can be edited; this one was published meanwhile.')
    }
    return c.json({ offering: view(outcome) }, 200)
  }

  // Its terms are checked now, so the asker hears of a problem at once, and again when carried
  // out (`publishOffering`), as a day may pass between.
  const publish: RouteHandler<typeof routes.requestPublish, AuthedEnv> = async (c) => {
    const row = await load(c.req.valid('param').offeringId)
    if (row.status !== 'draft') throw wrongStatus(`This offering is ${row.status}, not a draft.`)
    const issues = checkOfferingTerms(row, today())
    if (issues.length > 0) throw invalidTerms(issues)
    const approvalId = await requestApproval(deps, {
      action: 'offering.publish',
      targetType: 'offering',
      targetId: row.id,
      payload: publishPayload(row),
      adminId: c.get('user').id,
    })
    return c.json({ approvalId, state: 'pending' as const }, 202)
  }

  const close: RouteHandler<typeof routes.closeOffering, AuthedEnv> = async (c) => {
    const row = await load(c.req.valid('param').offeringId)
    if (row.status !== 'open') throw wrongStatus(`This offering is ${row.status}, not open.`)
    const counts = await purchaseCounts([row.id])
    return c.json(
      { offering: view(await move(c.get('user').id, row, 'open', 'closed'), counts.get(row.id)) },
      200,
    )
  }

  const cancel: RouteHandler<typeof routes.requestCancellation, AuthedEnv> = async (c) => {
    const row = await load(c.req.valid('param').offeringId)
    if (!['open', 'closed'].includes(row.status))
      throw wrongStatus(`This offering is ${row.status}.`)
    const approvalId = await requestApproval(deps, {
      action: 'offering.cancel',
      targetType: 'offering',
      targetId: row.id,
      payload: { reason: c.req.valid('json').reason },
      adminId: c.get('user').id,
    })
    return c.json({ approvalId, state: 'pending' as const }, 202)
  }

  const rate: RouteHandler<typeof routes.requestRateChange, AuthedEnv> = async (c) => {
    const row = await load(c.req.valid('param').offeringId)
    if (row.status !== 'open')
      throw wrongStatus('Only an open offering has its rate changed this way.')
    // Past its window nothing is bought or rolled into it again: a new rate would apply to nothing.
    if (windowOn(row, today()) === 'after') throw stoppedSelling(row)
    const { rateBps } = c.req.valid('json')
    // A change to the rate it has would write nothing, yet stand in the way of a real one.
    if (rateBps === row.rateBps) {
      throw invalidTerms([
        { path: 'rateBps', message: 'That is the rate it has now. Enter the new rate.' },
      ])
    }
    const issue = checkPayoutInReach({ ...row, rateBps })
    if (issue) throw invalidTerms([issue])

    const approvalId = await requestApproval(deps, {
      action: 'offering.rate',
      targetType: 'offering',
      targetId: row.id,
      payload: { rateBps, from: row.rateBps },
      adminId: c.get('user').id,
    })
    return c.json({ approvalId, state: 'pending' as const }, 202)
  }

  return { list, get, load, create, edit, publish, close, cancel, rate }
}
