import { newId } from '@tenor/db'
import { businessDateOf, formatBasisPoints } from '@tenor/db/domain'
import { adminApprovals, offerings, purchases, users } from '@tenor/db/schema'
import { and, asc, eq, lte } from 'drizzle-orm'
import type { AppDeps } from '../context.ts'
import { ApiError, notFound } from '../lib/errors.ts'
import { reportError } from '../lib/sentry.ts'
import { scheduleRepayment } from '../maturities/early-repayment.ts'
import { cancelPendingPurchase } from '../purchases/cancel.ts'
import { cancelledByTenorReasons } from '../purchases/reasons.ts'
import { recordAudit } from './audit.ts'
import { cancelPendingDebits, refundCancelledOfferings } from './repayments.ts'

/**
 * Money-moving actions, rate changes and new administrators: one admin asks, another approves
 * (maker-checker).
 */
export const approvalActions = [
  'offering.cancel',
  'offering.rate',
  'purchase.refund',
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
  const now = deps.clock.now()
  const id = newId()
  const created = await deps.database.write(async (tx) => {
    const waiting = await tx.query.adminApprovals.findFirst({
      where: and(
        eq(adminApprovals.action, input.action),
        eq(adminApprovals.targetId, input.targetId),
        eq(adminApprovals.state, 'pending'),
      ),
    })
    if (waiting) return false
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
    return true
  })
  if (!created) {
    throw new ApiError(
      409,
      'approval_pending',
      'A request for this is already waiting for approval.',
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

  return carryOut(deps, approval, input.adminId, { requestId: input.requestId })
}

/**
 * Runs an approved request's action and records how it went, once: the record is written only
 * while the request still reads `approved`. `adminId` is the approver, whom the action's own
 * audit records name.
 */
async function carryOut(
  deps: AppDeps,
  approval: ApprovalRow,
  adminId: string,
  context: { requestId?: string; resumed?: boolean },
): Promise<{ state: 'executed' | 'failed'; result: string }> {
  let state: 'executed' | 'failed' = 'executed'
  let result: string
  try {
    result = await executeApproval(deps, approval.action as ApprovalAction, approval, adminId)
  } catch (error) {
    // The decision stands; the action did not finish. Whatever it committed before the error is
    // in the audit trail. Recording the failure keeps the request from reading as still running.
    const { requestId } = context
    deps.log.error('approved request failed', { approvalId: approval.id, requestId, error })
    reportError(error, { requestId, route: `approval ${approval.action}`, userId: adminId })
    state = 'failed'
    result =
      'failed: the action stopped on an unexpected error; check the audit trail for what it did, then ask again'
  }
  if (context.resumed) result = `${result} (carried out by the worker: the API stopped first)`
  await deps.database.write(async (tx) => {
    await tx
      .update(adminApprovals)
      .set({ state, executedAt: deps.clock.now(), result })
      .where(and(eq(adminApprovals.id, approval.id), eq(adminApprovals.state, 'approved')))
  })
  return { state, result }
}

/**
 * How long an approved request may read "approved" before the worker takes it for one the API
 * stopped carrying out. Every action answers within seconds (Plaid calls time out well before),
 * so one still running when this has passed is not.
 */
export const approvalStalledAfterMs = 10 * 60 * 1000

/**
 * Carries out approved requests whose action never ran or never finished: the API stopped (a
 * deploy, a crash) between recording the approval and recording the outcome. Each action is
 * safe to run again: a rate already set is left as it is, a cancelled offering's follow-ups
 * are idempotent, a refund moves a purchase only from the state it expects, and an account
 * already an administrator is left so. Answers how many were carried out and how many failed.
 */
export async function carryOutStalledApprovals(
  deps: AppDeps,
): Promise<{ carriedOut: number; failed: number }> {
  const decidedBefore = new Date(deps.clock.now().getTime() - approvalStalledAfterMs)
  const stalled = await deps.database.db
    .select()
    .from(adminApprovals)
    .where(and(eq(adminApprovals.state, 'approved'), lte(adminApprovals.decidedAt, decidedBefore)))
    .orderBy(asc(adminApprovals.decidedAt))
  const counts = { carriedOut: 0, failed: 0 }
  for (const approval of stalled) {
    deps.log.warn('carrying out an approved request the API did not finish', {
      approvalId: approval.id,
      action: approval.action,
    })
    const adminId = approval.decidedBy ?? approval.requestedBy
    const { state } = await carryOut(deps, approval, adminId, { resumed: true })
    counts[state === 'executed' ? 'carriedOut' : 'failed'] += 1
  }
  return counts
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

type ApprovalRow = typeof adminApprovals.$inferSelect

async function executeApproval(
  deps: AppDeps,
  action: ApprovalAction,
  approval: ApprovalRow,
  adminId: string,
): Promise<string> {
  switch (action) {
    case 'offering.rate':
      return changeRate(deps, approval, adminId)
    case 'offering.cancel':
      return cancelOffering(deps, approval, adminId)
    case 'purchase.refund':
      return refundPurchase(deps, approval, adminId)
    case 'user.grant_admin':
      return grantAdminRole(deps, approval, adminId)
  }
}

async function changeRate(deps: AppDeps, approval: ApprovalRow, adminId: string): Promise<string> {
  const { rateBps } = JSON.parse(approval.payload) as { rateBps: number }
  const now = deps.clock.now()
  return deps.database.write(async (tx) => {
    const offering = await tx.query.offerings.findFirst({
      where: eq(offerings.id, approval.targetId),
    })
    if (offering?.status !== 'open') return 'not applied: the offering is no longer open'
    if (offering.rateBps === rateBps) {
      return `not applied: the rate is ${formatBasisPoints(rateBps)} already`
    }
    await tx.update(offerings).set({ rateBps, updatedAt: now }).where(eq(offerings.id, offering.id))
    await recordAudit(tx, {
      adminId,
      action: 'offering.rate.changed',
      targetType: 'offering',
      targetId: offering.id,
      before: { rateBps: offering.rateBps },
      after: { rateBps },
      at: now,
    })
    return `rate changed to ${formatBasisPoints(rateBps)} for new purchases`
  })
}

/**
 * Cancels an offering: no new purchases; pending debits are cancelled at Plaid; settled notes
 * are brought to maturity today with payout as the instruction, so the maturity job repays
 * principal and interest to today by ACH credit, once, through the same path as any maturity.
 * Debits still in flight are handled by `refundCancelledOfferings` when they settle.
 */
async function cancelOffering(
  deps: AppDeps,
  approval: ApprovalRow,
  adminId: string,
): Promise<string> {
  const now = deps.clock.now()
  const cancelled = await deps.database.write(async (tx) => {
    const offering = await tx.query.offerings.findFirst({
      where: eq(offerings.id, approval.targetId),
    })
    if (!offering) return false
    // Cancelled already (by this request, before the API stopped): the follow-ups still run.
    if (offering.status === 'cancelled') return true
    if (!['open', 'closed'].includes(offering.status)) return false
    await tx
      .update(offerings)
      .set({ status: 'cancelled', updatedAt: now })
      .where(eq(offerings.id, offering.id))
    await recordAudit(tx, {
      adminId,
      action: 'offering.cancelled',
      targetType: 'offering',
      targetId: offering.id,
      before: { status: offering.status },
      after: { status: 'cancelled' },
      at: now,
    })
    return true
  })
  if (!cancelled) return 'not applied: the offering is no longer open or closed'

  const { cancelled: cancelledDebits } = await cancelPendingDebits(deps, approval.targetId)
  const repaid = await refundCancelledOfferings(deps, approval.targetId)
  return `offering cancelled; ${cancelledDebits} pending debits cancelled; ${repaid} notes set to be repaid`
}

/**
 * Makes an account an administrator, approved by a second one. A disabled account is left as
 * it is. The console still needs two-factor on and verified in the session.
 */
async function grantAdminRole(
  deps: AppDeps,
  approval: ApprovalRow,
  adminId: string,
): Promise<string> {
  const now = deps.clock.now()
  return deps.database.write(async (tx) => {
    const user = await tx.query.users.findFirst({ where: eq(users.id, approval.targetId) })
    if (!user) return 'not applied: the account no longer exists'
    if (user.status !== 'active') return `not applied: the account is ${user.status}`
    if (user.role === 'admin') return 'not applied: the account is an administrator already'
    // The approver agreed to the address the request showed; an account that has moved since
    // is asked about again under its new one.
    const asked = readPayloadEmail(approval.payload)
    if (asked !== null && asked !== user.email) {
      return `not applied: the account's email changed from ${asked} to ${user.email} since the request; ask again`
    }

    await tx.update(users).set({ role: 'admin', updatedAt: now }).where(eq(users.id, user.id))
    await recordAudit(tx, {
      adminId,
      action: 'user.role.admin',
      targetType: 'user',
      targetId: user.id,
      before: { role: user.role },
      after: { role: 'admin' },
      at: now,
    })
    return 'administrator role granted'
  })
}

function readPayloadEmail(payload: string): string | null {
  try {
    const value = JSON.parse(payload) as { email?: unknown }
    return typeof value.email === 'string' ? value.email : null
  } catch {
    return null
  }
}

/**
 * Refunds one purchase: a debit still pending is cancelled at Plaid; an active note is repaid on
 * its repayment date (today, or once its debit can no longer come back) with interest to that
 * day, through the maturity job like any payout.
 */
async function refundPurchase(
  deps: AppDeps,
  approval: ApprovalRow,
  adminId: string,
): Promise<string> {
  const purchase = await deps.database.db.query.purchases.findFirst({
    where: eq(purchases.id, approval.targetId),
  })
  if (!purchase) return 'not applied: the purchase no longer exists'
  if (purchase.state === 'pending') {
    // Plaid not answering is not "already on its way": the error marks the request failed, and
    // the purchase's page shows later whether the cancel went through after all.
    const cancelled = await cancelPendingPurchase(
      deps,
      purchase,
      'refunded by Tenor',
      cancelledByTenorReasons.refund,
    )
    if (!cancelled) return 'not applied: the debit is already on its way; ask again once it settles'
    await deps.database.write((tx) =>
      recordAudit(tx, {
        adminId,
        action: 'purchase.refunded',
        targetType: 'purchase',
        targetId: purchase.id,
        before: { state: 'pending' },
        after: { state: 'cancelled' },
        at: deps.clock.now(),
      }),
    )
    return 'debit cancelled before it went out'
  }
  if (purchase.state !== 'active') return `not applied: the purchase is ${purchase.state}`

  const now = deps.clock.now()
  const today = businessDateOf(now, deps.env.businessTimeZone)
  const repayOn = await deps.database.write(async (tx) => {
    const date = await scheduleRepayment(tx, purchase.id, {
      today,
      now,
      publicUrl: deps.env.publicUrl,
      reason: 'refund',
    })
    if (!date) return null
    await recordAudit(tx, {
      adminId,
      action: 'purchase.refunded',
      targetType: 'purchase',
      targetId: purchase.id,
      before: {
        maturityDate: purchase.maturityDate,
        maturityInstruction: purchase.maturityInstruction,
      },
      after: { maturityDate: date, maturityInstruction: 'payout' },
      at: now,
    })
    return date
  })
  if (!repayOn) return 'not applied: the purchase is no longer active'
  if (repayOn === today) return 'note set to repay today with interest to date'
  return repayOn < today
    ? `note set to repay now with interest to its maturity date, ${repayOn}`
    : `note set to repay on ${repayOn}, once its debit can no longer come back, with interest to that day`
}
