import { newId } from '@tenor/db'
import { holdingStates } from '@tenor/db/domain'
import { acquireLease, releaseLease } from '@tenor/db/lease'
import { adminApprovals, purchases, users } from '@tenor/db/schema'
import { and, asc, eq, gt, inArray, lte, or } from 'drizzle-orm'
import type { AppDeps } from '../context.ts'
import { ApiError, notFound } from '../lib/errors.ts'
import { reportError } from '../lib/sentry.ts'
import { type ApprovalRow, executeApproval } from './approval-actions.ts'
import { recordAudit } from './audit.ts'

/**
 * Money-moving actions, an offering's terms going live or its rate changing, and new
 * administrators: one admin asks, another approves (maker-checker).
 */
export const approvalActions = [
  'offering.publish',
  'offering.cancel',
  'offering.rate',
  'purchase.refund',
  'payout.release',
  'payout.cancel',
  'user.grant_admin',
] as const
export type ApprovalAction = (typeof approvalActions)[number]

export async function requestApproval(
  deps: AppDeps,
  input: {
    action: ApprovalAction
    targetType: string
    targetId: string
    payload: object
    adminId: string
  },
): Promise<string> {
  if (await isAboutOwnMoney(deps, input, input.adminId)) throw ownPurchase()
  const now = deps.clock.now()
  const id = newId()
  const created = await deps.database.write(async (tx) => {
    // One approved but not yet carried out (the API stopped) still counts: carried out later by
    // the worker, it would undo whatever a newer request had done.
    const waiting = await tx.query.adminApprovals.findFirst({
      where: and(
        eq(adminApprovals.action, input.action),
        eq(adminApprovals.targetId, input.targetId),
        inArray(adminApprovals.state, ['pending', 'approved']),
      ),
    })
    if (waiting) return waiting.state
    await tx.insert(adminApprovals).values({
      id,
      action: input.action,
      targetType: input.targetType,
      targetId: input.targetId,
      payload: JSON.stringify(input.payload),
      requestedBy: input.adminId,
      requestedAt: now,
    })
    await recordAudit(tx, {
      adminId: input.adminId,
      action: `${input.action}.requested`,
      targetType: input.targetType,
      targetId: input.targetId,
      after: input.payload,
      at: now,
    })
    return null
  })
  if (created === 'pending') {
    throw new ApiError(
      409,
      'approval_pending',
      'A request for this is already waiting for approval.',
    )
  }
  if (created === 'approved') {
    throw new ApiError(
      409,
      'approval_pending',
      'An approved request for this is still being carried out. Ask again once it is done.',
    )
  }
  return id
}

/**
 * A second admin approves or rejects a request. The decision is recorded once (a conditional
 * update on the pending state), then an approved action runs.
 */
export async function decideApproval(
  deps: AppDeps,
  input: {
    approvalId: string
    adminId: string
    approve: boolean
    /** Why a request was turned down, kept with it for the asker. */
    reason?: string
    requestId?: string
  },
): Promise<{ state: 'executed' | 'rejected' | 'failed'; result: string }> {
  const now = deps.clock.now()
  const approval = await deps.database.db.query.adminApprovals.findFirst({
    where: eq(adminApprovals.id, input.approvalId),
  })
  if (!approval) throw notFound('approval')
  if (approval.requestedBy === input.adminId) {
    throw new ApiError(409, 'same_admin', 'Another administrator must decide your own request.')
  }
  // Its investor deciding it would leave one other person to look: turned down, not approved.
  if (input.approve && (await isAboutOwnMoney(deps, approval, input.adminId))) throw ownPurchase()
  // Two people must still want it: a request whose asker has since lost the role (or their
  // account) is only turned down. Approving it would be one administrator acting alone.
  if (input.approve && !(await isActiveAdmin(deps, approval.requestedBy))) {
    throw new ApiError(
      409,
      'requester_not_admin',
      'The administrator who asked for this is no longer one, so it cannot be approved. Turn it down, and ask for it yourself if it is still needed.',
    )
  }
  const turnedDown = input.reason ? `rejected: ${input.reason}` : 'rejected'
  const decided = await deps.database.write(async (tx) => {
    const moved = await tx
      .update(adminApprovals)
      .set({
        state: input.approve ? 'approved' : 'rejected',
        decidedBy: input.adminId,
        decidedAt: now,
        ...(input.approve ? {} : { result: turnedDown }),
      })
      .where(and(eq(adminApprovals.id, approval.id), eq(adminApprovals.state, 'pending')))
    if (moved.rowsAffected !== 1) return false
    await recordAudit(tx, {
      adminId: input.adminId,
      action: `${approval.action}.${input.approve ? 'approved' : 'rejected'}`,
      targetType: approval.targetType,
      targetId: approval.targetId,
      after: input.reason ? { reason: input.reason } : undefined,
      at: now,
    })
    return true
  })
  if (!decided) throw new ApiError(409, 'already_decided', 'This request was already decided.')
  if (!input.approve) return { state: 'rejected', result: turnedDown }

  const outcome = await carryOut(deps, approval, input.adminId, { requestId: input.requestId })
  if (!outcome) {
    throw new ApiError(409, 'approval_in_progress', 'This request is being carried out already.')
  }
  return outcome
}

/**
 * Runs an approved request's action and records how it went, once. Whoever carries it out (the
 * API right after the decision, or the worker for one the API stopped on) holds the request's
 * lease meanwhile, so the two never run it together; the outcome is written only while the
 * request still reads `approved`. `adminId` is the approver, whom the action's audit names.
 * Answers null when another holds the lease.
 */
async function carryOut(
  deps: AppDeps,
  approval: ApprovalRow,
  adminId: string,
  context: {
    requestId?: string
    resumed?: boolean
    /** Why it must not be carried out after all, judged under the lease; null if it may. */
    refusal?: () => Promise<string | null>
  },
): Promise<{ state: 'executed' | 'failed'; result: string } | null> {
  // Real time, not the business clock a demo may move: a lease is about who runs now.
  const lease = { name: `approval:${approval.id}`, holder: newId(), ttlMs: approvalLeaseMs }
  if (!(await acquireLease(deps.database, { ...lease, now: deps.wallClock.now() }))) return null
  try {
    // Read again under the lease: one carried out meanwhile (its lease since released) is done.
    const current = await deps.database.db.query.adminApprovals.findFirst({
      where: eq(adminApprovals.id, approval.id),
      columns: { state: true },
    })
    if (current?.state !== 'approved') return null
    const refused = await context.refusal?.()
    if (refused) {
      await recordOutcome(deps, approval, { state: 'failed', result: refused })
      return { state: 'failed', result: refused }
    }
    let state: 'executed' | 'failed' = 'executed'
    let result: string
    try {
      result = await executeApproval(deps, approval.action as ApprovalAction, approval, adminId)
    } catch (error) {
      // The decision stands; the action did not finish. Whatever it committed before the error
      // is in the audit trail. Recording the failure keeps the request from reading as running.
      const { requestId } = context
      state = 'failed'
      if (error instanceof ApiError) {
        // A refusal the action words itself (Plaid not answering, say): said as it is.
        deps.log.warn('approved request stopped', {
          approvalId: approval.id,
          requestId,
          code: error.code,
        })
        result = `failed: ${error.message} Check the audit trail for what it did, then ask again.`
      } else {
        deps.log.error('approved request failed', { approvalId: approval.id, requestId, error })
        reportError(error, { requestId, route: `approval ${approval.action}`, userId: adminId })
        result =
          'failed: the action stopped on an unexpected error; check the audit trail for what it did, then ask again'
      }
    }
    if (context.resumed) result = `${result} (carried out by the worker: the API stopped first)`
    await recordOutcome(deps, approval, { state, result })
    return { state, result }
  } finally {
    await releaseLease(deps.database, lease.name, lease.holder)
  }
}

async function recordOutcome(
  deps: AppDeps,
  approval: ApprovalRow,
  outcome: { state: 'executed' | 'failed'; result: string },
): Promise<void> {
  await deps.database.write(async (tx) => {
    await tx
      .update(adminApprovals)
      .set({ ...outcome, executedAt: deps.clock.now() })
      .where(and(eq(adminApprovals.id, approval.id), eq(adminApprovals.state, 'approved')))
  })
}

/**
 * How long an approved request may read "approved" before the worker looks at it as one the
 * API stopped carrying out. Most actions take seconds; the worker still leaves alone one whose
 * lease is held.
 */
export const approvalStalledAfterMs = 10 * 60 * 1000

/**
 * How long the lease of a request being carried out lasts: longer than the slowest action (an
 * offering's cancellation asks Plaid to cancel each pending debit in turn, each call timing out
 * after 20 seconds), so a live one is never taken over; a crashed one is, after this.
 */
const approvalLeaseMs = 60 * 60 * 1000

/**
 * Carries out approved requests whose action never ran or never finished: the API stopped (a
 * deploy, a crash) between recording the approval and recording the outcome. No newer request
 * for the same thing can be made meanwhile (`requestApproval`), and each action is safe to run
 * again: a rate moved since the request is left, a cancelled offering's follow-ups are
 * idempotent, a refund moves a purchase only from the state it expects, and an account already
 * an administrator is left so. A request whose approver or asker is no longer an active
 * administrator is not carried out: it fails, to be asked again. Answers how many were carried
 * out and how many failed.
 */
export async function carryOutStalledApprovals(
  deps: AppDeps,
): Promise<{ carriedOut: number; failed: number }> {
  const now = deps.clock.now()
  const decidedBefore = new Date(now.getTime() - approvalStalledAfterMs)
  // Decided "in the future": the development clock was moved back since. The request's lease
  // keeps a run the API may still be making from being made twice.
  const stalled = await deps.database.db
    .select()
    .from(adminApprovals)
    .where(
      and(
        eq(adminApprovals.state, 'approved'),
        or(lte(adminApprovals.decidedAt, decidedBefore), gt(adminApprovals.decidedAt, now)),
      ),
    )
    .orderBy(asc(adminApprovals.decidedAt))
  const counts = { carriedOut: 0, failed: 0 }
  for (const approval of stalled) {
    deps.log.warn('carrying out an approved request the API did not finish', {
      approvalId: approval.id,
      action: approval.action,
    })
    // Never the asker: a request without its approver recorded is not carried out at all.
    const approverId = approval.decidedBy ?? ''
    const outcome = await carryOut(deps, approval, approverId, {
      resumed: true,
      refusal: async () => {
        if (
          (await isAboutOwnMoney(deps, approval, approverId)) ||
          (await isAboutOwnMoney(deps, approval, approval.requestedBy))
        ) {
          return 'failed: not carried out, as it is about the money of an administrator who asked for or approved it; ask again'
        }
        if (approverId === approval.requestedBy || !(await isActiveAdmin(deps, approverId))) {
          return 'failed: not carried out, as the administrator who approved it no longer is one; ask again'
        }
        return (await isActiveAdmin(deps, approval.requestedBy))
          ? null
          : 'failed: not carried out, as the administrator who asked for it no longer is one; ask again'
      },
    })
    if (outcome) counts[outcome.state === 'executed' ? 'carriedOut' : 'failed'] += 1
  }
  return counts
}

/**
 * Whether a request is about this administrator's own money: a purchase of theirs, or the
 * cancellation of an offering they hold a note of (which repays it early). An administrator may
 * hold notes too, and two administrators with no stake in a money-moving request must look at
 * it, as with their own identity check (`own_account`).
 */
async function isAboutOwnMoney(
  deps: AppDeps,
  request: { action: string; targetType: string; targetId: string },
  adminId: string,
): Promise<boolean> {
  const { db } = deps.database
  if (request.targetType === 'purchase') {
    const purchase = await db.query.purchases.findFirst({
      where: eq(purchases.id, request.targetId),
      columns: { userId: true },
    })
    return purchase?.userId === adminId
  }
  if (request.action !== 'offering.cancel') return false
  const held = await db.query.purchases.findFirst({
    where: and(
      eq(purchases.offeringId, request.targetId),
      eq(purchases.userId, adminId),
      inArray(purchases.state, holdingStates),
    ),
    columns: { id: true },
  })
  return held !== undefined
}

const ownPurchase = () =>
  new ApiError(
    409,
    'own_purchase',
    'This is about your own note: two other administrators must ask for and approve it.',
  )

async function isActiveAdmin(deps: AppDeps, userId: string): Promise<boolean> {
  const user = await deps.database.db.query.users.findFirst({
    where: eq(users.id, userId),
    columns: { role: true, status: true },
  })
  return user?.role === 'admin' && user.status === 'active'
}

/** The administrator who asked takes a request back while it still waits for a decision. */
export async function withdrawApproval(
  deps: AppDeps,
  input: { approvalId: string; adminId: string },
): Promise<void> {
  const now = deps.clock.now()
  const approval = await deps.database.db.query.adminApprovals.findFirst({
    where: eq(adminApprovals.id, input.approvalId),
  })
  if (!approval) throw notFound('approval')
  if (approval.requestedBy !== input.adminId) {
    throw new ApiError(409, 'not_your_request', 'Only the administrator who asked can withdraw it.')
  }
  const withdrawn = await deps.database.write(async (tx) => {
    const moved = await tx
      .update(adminApprovals)
      .set({ state: 'withdrawn', decidedBy: input.adminId, decidedAt: now })
      .where(and(eq(adminApprovals.id, approval.id), eq(adminApprovals.state, 'pending')))
    if (moved.rowsAffected !== 1) return false
    await recordAudit(tx, {
      adminId: input.adminId,
      action: `${approval.action}.withdrawn`,
      targetType: approval.targetType,
      targetId: approval.targetId,
      at: now,
    })
    return true
  })
  if (!withdrawn) throw new ApiError(409, 'already_decided', 'This request was already decided.')
}
