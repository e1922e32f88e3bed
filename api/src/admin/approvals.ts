import { newId, type Tx } from '@tenor/db'
import {
  addDays,
  businessDateOf,
  type CalendarDate,
  compareDates,
  minDate,
  toCalendarDate,
} from '@tenor/db/domain'
import { adminApprovals, offerings, purchaseEvents, purchases, users } from '@tenor/db/schema'
import { and, eq, inArray } from 'drizzle-orm'
import type { AppDeps } from '../context.ts'
import { ApiError, notFound } from '../lib/errors.ts'
import { cancelPendingPurchase } from '../purchases/cancel.ts'
import type { PurchaseRow } from '../purchases/records.ts'
import { recordAudit } from './audit.ts'

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
  input: { approvalId: string; adminId: string; approve: boolean },
): Promise<{ state: 'executed' | 'rejected'; result: string }> {
  const now = deps.clock.now()
  const approval = await deps.database.db.query.adminApprovals.findFirst({
    where: eq(adminApprovals.id, input.approvalId),
  })
  if (!approval) throw notFound('approval')
  if (approval.requestedBy === input.adminId) {
    throw new ApiError(409, 'same_admin', 'Another administrator must decide your own request.')
  }
  const decided = await deps.database.write(async (tx) => {
    const moved = await tx
      .update(adminApprovals)
      .set({
        state: input.approve ? 'approved' : 'rejected',
        decidedBy: input.adminId,
        decidedAt: now,
      })
      .where(and(eq(adminApprovals.id, approval.id), eq(adminApprovals.state, 'pending')))
    if (moved.rowsAffected !== 1) return false
    await recordAudit(tx, {
      adminId: input.adminId,
      action: `${approval.action}.${input.approve ? 'approved' : 'rejected'}`,
      targetType: approval.targetType,
      targetId: approval.targetId,
      at: now,
    })
    return true
  })
  if (!decided) throw new ApiError(409, 'already_decided', 'This request was already decided.')
  if (!input.approve) return { state: 'rejected', result: 'rejected' }

  const result = await executeApproval(
    deps,
    approval.action as ApprovalAction,
    approval,
    input.adminId,
  )
  await deps.database.write(async (tx) => {
    await tx
      .update(adminApprovals)
      .set({ state: 'executed', executedAt: deps.clock.now(), result })
      .where(eq(adminApprovals.id, approval.id))
  })
  return { state: 'executed', result }
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
    return `rate changed to ${rateBps} bps for new purchases`
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
    if (!offering || !['open', 'closed'].includes(offering.status)) return false
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
 * Cancels at Plaid the debits still pending of cancelled offerings (one, or all), so no investor
 * pays for a note that will not be. The worker runs it again and again: a purchase still
 * confirming with Plaid when the offering was cancelled, or a cancel Plaid failed to answer, is
 * cancelled on a later run; a debit already on its way settles and is repaid.
 */
export async function cancelPendingDebits(
  deps: AppDeps,
  offeringId?: string,
): Promise<{ cancelled: number; notCancelled: number }> {
  const pending = await deps.database.db
    .select({ id: purchases.id, transferId: purchases.transferId })
    .from(purchases)
    .innerJoin(offerings, eq(offerings.id, purchases.offeringId))
    .where(
      and(
        eq(offerings.status, 'cancelled'),
        eq(purchases.state, 'pending'),
        offeringId ? eq(offerings.id, offeringId) : undefined,
      ),
    )
  const counts = { cancelled: 0, notCancelled: 0 }
  for (const purchase of pending) {
    const done = await cancelPendingPurchase(deps, purchase, 'offering cancelled').catch(
      (error: unknown) => {
        deps.log.warn('could not cancel a debit of a cancelled offering', {
          purchaseId: purchase.id,
          error,
        })
        return false
      },
    )
    if (done) counts.cancelled++
    else counts.notCancelled++
  }
  return counts
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
    const cancelled = await cancelPendingPurchase(deps, purchase, 'refunded by Tenor').catch(
      () => false,
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
    const date = await scheduleRepayment(tx, purchase.id, { today, now, reason: 'refund approved' })
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

/**
 * Brings every active note of a cancelled offering to its repayment date (`repaymentDate`), paid
 * out: the maturity job then repays it. Safe to run again; the worker runs it to catch debits
 * that settled later.
 */
export async function refundCancelledOfferings(
  deps: AppDeps,
  offeringId?: string,
): Promise<number> {
  const now = deps.clock.now()
  const today = businessDateOf(now, deps.env.businessTimeZone)
  const cancelled = await deps.database.db
    .select({ id: offerings.id })
    .from(offerings)
    .where(
      offeringId
        ? and(eq(offerings.id, offeringId), eq(offerings.status, 'cancelled'))
        : eq(offerings.status, 'cancelled'),
    )
  if (cancelled.length === 0) return 0
  return deps.database.write(async (tx) => {
    const due = await tx
      .select()
      .from(purchases)
      .where(
        and(
          inArray(
            purchases.offeringId,
            cancelled.map((o) => o.id),
          ),
          eq(purchases.state, 'active'),
        ),
      )
    let count = 0
    for (const purchase of due) {
      // Already set to be repaid as early as it can be.
      const repayOn = repaymentDate(purchase, today)
      if (
        purchase.maturityInstruction === 'payout' &&
        repayOn !== null &&
        purchase.maturityDate !== null &&
        purchase.maturityDate <= repayOn
      )
        continue
      const reason = 'offering cancelled'
      if (await scheduleRepayment(tx, purchase.id, { today, now, reason })) count++
    }
    return count
  })
}

/**
 * Calendar days a repaid note waits after its debit settled. The investor's bank can return the
 * debit for want of funds or a closed account (R01 to R03) for two banking days after settlement;
 * a week covers those across any weekend and holiday. Repaying sooner would send out money that
 * a return could then take back, money Tenor never received.
 */
export const repaymentHoldDays = 7

/**
 * When an active note being repaid early (a refund, a cancelled offering) matures: today, or once
 * its debit can no longer come back if that is later; never after its own maturity date, since
 * interest stops at the end of the term however late the note is repaid.
 */
export function repaymentDate(
  purchase: Pick<PurchaseRow, 'settledOn' | 'maturityDate' | 'rolledFromPurchaseId'>,
  today: CalendarDate,
): CalendarDate | null {
  if (!purchase.settledOn || !purchase.maturityDate) return null
  // A note bought by rolling another over was paid by no new debit: nothing can come back.
  const hold = purchase.rolledFromPurchaseId ? 0 : repaymentHoldDays
  const safe = addDays(toCalendarDate(purchase.settledOn), hold)
  const wanted = compareDates(today, safe) > 0 ? today : safe
  return minDate(wanted, toCalendarDate(purchase.maturityDate))
}

/**
 * Brings an active note's maturity forward to its repayment date (`repaymentDate`) with payout as
 * its instruction, so the maturity job repays principal and interest to that day exactly as it
 * repays any maturity; the history says why. Answers the date the note now matures on, or null
 * when it is no longer active (it matured or was undone meanwhile).
 */
async function scheduleRepayment(
  tx: Tx,
  purchaseId: string,
  input: { today: CalendarDate; now: Date; reason: string },
): Promise<CalendarDate | null> {
  const purchase = await tx.query.purchases.findFirst({
    where: and(eq(purchases.id, purchaseId), eq(purchases.state, 'active')),
  })
  const repayOn = purchase ? repaymentDate(purchase, input.today) : null
  if (!purchase || !repayOn) return null

  await tx
    .update(purchases)
    .set({
      maturityDate: repayOn,
      maturityInstruction: 'payout',
      rolloverOfferingId: null,
      updatedAt: input.now,
    })
    .where(and(eq(purchases.id, purchaseId), eq(purchases.state, 'active')))
  await tx.insert(purchaseEvents).values({
    id: newId(),
    purchaseId,
    fromState: 'active',
    toState: 'active',
    reason:
      repayOn === input.today
        ? `${input.reason}: repaid today with interest to date`
        : repayOn === purchase.maturityDate
          ? `${input.reason}: repaid with interest to its maturity date, ${repayOn}`
          : `${input.reason}: repaid on ${repayOn}, once its debit can no longer come back, with interest to that day`,
    createdAt: input.now,
  })

  return repayOn
}
