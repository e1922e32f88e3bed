import type { Tx } from '@tenor/db'
import { businessDateOf, formatBasisPoints } from '@tenor/db/domain'
import {
  type adminApprovals,
  auditEvents,
  offerings,
  payouts,
  purchases,
  users,
} from '@tenor/db/schema'
import { and, eq, gt, inArray, ne } from 'drizzle-orm'
import type { AppDeps } from '../context.ts'
import { cancelReturnedPayout, judgePayoutCancel } from '../maturities/cancel-payout.ts'
import { scheduleRepayment } from '../maturities/early-repayment.ts'
import { instructionChangeableUntil } from '../maturities/instruction-lock.ts'
import { noticeRolloverRateFell } from '../maturities/notices.ts'
import { cancelPendingPurchase } from '../purchases/cancel.ts'
import {
  readPaymentReview,
  wasFundingInDoubt,
  wasReturnReceivedSince,
} from '../purchases/funding-in-doubt.ts'
import { outcomeContextOf } from '../purchases/outcomes.ts'
import { cancelledByTenorReasons } from '../purchases/reasons.ts'
import type { OfferingRow } from '../purchases/records.ts'
import type { ApprovalAction } from './approvals.ts'
import { recordAudit } from './audit.ts'
import { checkOfferingTerms } from './offering-terms.ts'
import { cancelPendingDebits, refundCancelledOfferings } from './repayments.ts'

/*
 * What an approved request does, one function per action. Each answers its outcome in words for
 * the request's record, and each is safe to run again (the worker carries out a request the API
 * stopped before finishing): it acts only from the state it expects.
 */

export type ApprovalRow = typeof adminApprovals.$inferSelect

export async function executeApproval(
  deps: AppDeps,
  action: ApprovalAction,
  approval: ApprovalRow,
  adminId: string,
): Promise<string> {
  switch (action) {
    case 'offering.publish':
      return publishOffering(deps, approval, adminId)
    case 'offering.rate':
      return changeRate(deps, approval, adminId)
    case 'offering.cancel':
      return cancelOffering(deps, approval, adminId)
    case 'purchase.refund':
      return refundPurchase(deps, approval, adminId)
    case 'payout.release':
      return releasePayout(deps, approval, adminId)
    case 'payout.cancel':
      return cancelPayout(deps, approval, adminId)
    case 'user.grant_admin':
      return grantAdminRole(deps, approval, adminId)
  }
}

/**
 * Whether the request's action was already recorded on its target since it was asked: ids sort
 * by creation time, and no other request for the same thing can be made or carried out while
 * this one is open, so such a record is this request's (carried out before the API stopped).
 */
async function auditedSince(
  db: Pick<Tx, 'query'>,
  approval: ApprovalRow,
  action: string,
): Promise<boolean> {
  const found = await db.query.auditEvents.findFirst({
    where: and(
      eq(auditEvents.action, action),
      eq(auditEvents.targetId, approval.targetId),
      gt(auditEvents.id, approval.id),
    ),
  })
  return found !== undefined
}

// Every term of a draft the investor reads or buys on: what a publish request is made on.
const publishedTerms = [
  'slug',
  'name',
  'issuer',
  'description',
  'rateBps',
  'rateType',
  'compounding',
  'dayCount',
  'termMonths',
  'capacityCents',
  'minPurchaseCents',
  'maxPurchaseCents',
  'incrementCents',
  'opensOn',
  'closesOn',
  'defaultMaturityInstruction',
] as const satisfies readonly (keyof OfferingRow)[]

/**
 * The draft's terms as the publish request keeps them: shown to its approver, and compared
 * with the draft when carried out, as the approver agreed to these terms, not to whatever the
 * draft says by then.
 */
export function publishPayload(draft: OfferingRow): Record<string, unknown> {
  return Object.fromEntries(publishedTerms.map((term) => [term, draft[term]]))
}

async function publishOffering(
  deps: AppDeps,
  approval: ApprovalRow,
  adminId: string,
): Promise<string> {
  const asked = JSON.parse(approval.payload) as Record<string, unknown>
  const now = deps.clock.now()
  const today = businessDateOf(now, deps.env.businessTimeZone)
  return deps.database.write(async (tx) => {
    const draft = await tx.query.offerings.findFirst({ where: eq(offerings.id, approval.targetId) })
    if (!draft) return 'not applied: the offering no longer exists'
    if (draft.status !== 'draft') {
      // Published by this request before the API stopped (carried out again by the worker).
      const done = await auditedSince(tx, approval, 'offering.publish')
      return done ? 'published' : `not applied: the offering is ${draft.status} already`
    }
    if (publishedTerms.some((term) => draft[term] !== asked[term])) {
      return 'not applied: the draft was edited after the request; ask again'
    }
    const issues = checkOfferingTerms(draft, today)
    if (issues.length > 0) {
      return `not applied: ${issues.map((issue) => issue.message).join(' ')}`
    }
    await tx
      .update(offerings)
      .set({ status: 'open', updatedAt: now })
      .where(and(eq(offerings.id, draft.id), eq(offerings.status, 'draft')))
    await recordAudit(tx, {
      adminId,
      action: 'offering.publish',
      targetType: 'offering',
      targetId: draft.id,
      before: { status: 'draft' },
      after: { status: 'open' },
      at: now,
    })
    return draft.opensOn > today
      ? `published: on sale from ${draft.opensOn}`
      : 'published: on sale now'
  })
}

async function changeRate(deps: AppDeps, approval: ApprovalRow, adminId: string): Promise<string> {
  const { rateBps, from } = JSON.parse(approval.payload) as { rateBps: number; from?: number }
  const now = deps.clock.now()
  const today = businessDateOf(now, deps.env.businessTimeZone)
  return deps.database.write(async (tx) => {
    const offering = await tx.query.offerings.findFirst({
      where: eq(offerings.id, approval.targetId),
    })
    if (offering?.status !== 'open') return 'not applied: the offering is no longer open'
    // Past its window nothing is bought or rolled into it again, as when it was asked.
    if (offering.closesOn < today) {
      return `not applied: the offering stopped selling on ${offering.closesOn}`
    }
    if (offering.rateBps === rateBps) {
      return `not applied: the rate is ${formatBasisPoints(rateBps)} already`
    }
    // A rate moved since the request (by a newer one) is not moved back by an older one.
    if (from !== undefined && offering.rateBps !== from) {
      return `not applied: the rate is ${formatBasisPoints(offering.rateBps)} now, not the ${formatBasisPoints(from)} it was asked from; ask again`
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
    const told = await tellOfFallenRollovers(tx, deps, { ...offering, rateBps })
    const tellWords =
      told > 0 ? `; ${count(told, 'investor')} told their rollover into it will not go ahead` : ''
    return `rate changed to ${formatBasisPoints(rateBps)} for new purchases${tellWords}`
  })
}

/**
 * Emails each investor whose note is set to roll into the offering at a rate above its new one:
 * the rollover will not go ahead (`rollOver` refuses a rate below the one chosen), and until the
 * cut-off they can choose again. In the rate change's transaction; answers how many were told.
 */
async function tellOfFallenRollovers(tx: Tx, deps: AppDeps, target: OfferingRow): Promise<number> {
  const notes = await tx
    .select({ purchase: purchases, offering: offerings })
    .from(purchases)
    .innerJoin(offerings, eq(offerings.id, purchases.offeringId))
    .where(
      and(
        eq(purchases.rolloverOfferingId, target.id),
        ne(purchases.maturityInstruction, 'payout'),
        inArray(purchases.state, ['pending', 'processing', 'active']),
        gt(purchases.rolloverRateBps, target.rateBps),
      ),
    )
  const now = deps.clock.now()
  const today = businessDateOf(now, deps.env.businessTimeZone)
  const ctx = { now, publicUrl: deps.env.publicUrl }
  for (const { purchase, offering } of notes) {
    await noticeRolloverRateFell(tx, ctx, {
      purchase,
      offering,
      target,
      changeUntil: instructionChangeableUntil(purchase, today),
    })
  }
  return notes.length
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
  return `offering cancelled; ${count(cancelledDebits, 'pending debit')} cancelled; ${count(repaid, 'note')} set to be repaid`
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
  const refunded = {
    adminId,
    action: 'purchase.refunded',
    targetType: 'purchase',
    targetId: purchase.id,
    before: { state: 'pending' },
    after: { state: 'cancelled' },
  }
  // Cancelled by this refund before the API stopped: done, and audited once.
  if (purchase.state === 'cancelled' && purchase.failureReason === cancelledByTenorReasons.refund) {
    await deps.database.write(async (tx) => {
      const audited = await tx.query.auditEvents.findFirst({
        where: and(eq(auditEvents.action, refunded.action), eq(auditEvents.targetId, purchase.id)),
      })
      if (!audited) await recordAudit(tx, { ...refunded, at: deps.clock.now() })
    })
    return 'debit cancelled before it went out'
  }
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
    await deps.database.write((tx) => recordAudit(tx, { ...refunded, at: deps.clock.now() }))
    return 'debit cancelled before it went out'
  }
  if (purchase.state !== 'active') return `not applied: the purchase is ${purchase.state}`
  // Set to be repaid already: by this refund before the API stopped (done, and audited with
  // it), or meanwhile by something else. Its date stands; no second refund is recorded.
  if (purchase.repaymentScheduledAt && purchase.maturityDate) {
    const audited = await auditedSince(deps.database.db, approval, refunded.action)
    if (audited) return `note set to repay on ${purchase.maturityDate}`
    const by =
      purchase.repaymentReason === 'refund'
        ? 'by an earlier refund'
        : 'as its offering was cancelled'
    return `not applied: the note is set to be repaid on ${purchase.maturityDate} already, ${by}`
  }

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
  const set =
    repayOn === today
      ? 'note set to repay today with interest to date'
      : repayOn < today
        ? `note set to repay now with interest to its maturity date, ${repayOn}`
        : `note set to repay on ${repayOn}, once its debit can no longer come back, with interest to that day`
  return (await wasFundingInDoubt(deps.database.db, purchase.id))
    ? `${set}; its payout waits for review, as a debit from the account that paid for it came back`
    : set
}

/**
 * Lets a matured note's payout, withheld for review, go: someone has looked at what came back
 * and judged the money safe to pay. What they looked at is every transfer event stored when the
 * release was asked (`seenThroughEventId`): a return of any of the investor's transfers stored
 * since, before or after the second administrator's decision, stops it, to be looked at and
 * asked again. The payout is marked released in one write with its audit, only from the state
 * it was read in; the next maturity run sends it to the note's account, or, held money, to the
 * account the investor gives. A return received after this puts it back in review
 * (`findFundingInDoubt`).
 */
async function releasePayout(
  deps: AppDeps,
  approval: ApprovalRow,
  adminId: string,
): Promise<string> {
  const { db } = deps.database
  // Carried out before the API stopped: done, and audited with it.
  if (await auditedSince(db, approval, 'payout.released')) return 'payout released'
  const { seenThroughEventId: seen } = JSON.parse(approval.payload) as {
    seenThroughEventId?: unknown
  }
  // Asked before requests kept what their review had seen: nobody can say what that was.
  if (typeof seen !== 'number') return 'not applied: ask again, so the review is dated'
  const inReview = await readPaymentReview(db, approval.targetId)
  if (!inReview) return 'not applied: the payout is no longer withheld for review'
  // Came back since the request: that money is with the investor's bank again.
  if (inReview.review === 'debit_returned') {
    return 'not applied: the debit that paid for the note came back; its payout stays withheld'
  }
  const { payout } = inReview

  const now = deps.clock.now()
  const released = await deps.database.write(async (tx) => {
    // Read under the write lock, which the transfer sync also takes to store events: a return
    // stored after this has a larger id and withholds the payout again.
    if (await wasReturnReceivedSince(tx, { userId: payout.userId, throughEventId: seen })) {
      return 'returned since'
    }
    const moved = await tx
      .update(payouts)
      .set({
        reviewReleasedAt: now,
        reviewReleasedThroughEventId: seen,
        // Held money keeps why and since when it was held (an account linked since then takes
        // it); one not yet sent loses the mark of its withholding.
        ...(payout.state === 'initiated'
          ? { failureCode: null, failureReason: null, updatedAt: now }
          : {}),
      })
      .where(
        and(
          eq(payouts.id, payout.id),
          eq(payouts.state, payout.state),
          eq(payouts.idempotencyKey, payout.idempotencyKey),
        ),
      )
    if (moved.rowsAffected !== 1) return 'changed'
    await recordAudit(tx, {
      adminId,
      action: 'payout.released',
      targetType: 'purchase',
      targetId: approval.targetId,
      before: { reviewReleasedAt: payout.reviewReleasedAt?.toISOString() ?? null },
      after: {
        reviewReleasedAt: now.toISOString(),
        throughEventId: seen,
        amountCents: payout.amountCents,
      },
      at: now,
    })
    return 'released'
  })
  if (released === 'returned since') {
    return "not applied: a return of the investor's transfers came in after this was asked; look at it and ask again"
  }
  if (released === 'changed') return 'not applied: the payout changed meanwhile; look again'
  return payout.state === 'initiated'
    ? 'payout released: the next maturity run sends it'
    : 'payout released: it goes out once the investor gives an account that can receive it'
}

/**
 * Closes the withheld payout of a note whose own debit came back after it matured, with every
 * note rolled over from it: the payouts are cancelled and the notes returned, their ledger
 * reversed, in one write with its audit (`cancelReturnedPayout`), and only while
 * `judgePayoutCancel` still allows it.
 */
async function cancelPayout(
  deps: AppDeps,
  approval: ApprovalRow,
  adminId: string,
): Promise<string> {
  const { db } = deps.database
  // Carried out before the API stopped: done, and audited with it.
  if (await auditedSince(db, approval, 'payout.cancelled')) return 'payout cancelled'
  const { refused } = await judgePayoutCancel(db, approval.targetId)
  if (refused) return `not applied: ${refused.message}`

  const ctx = outcomeContextOf(deps)
  const cancelled = await deps.database.write(async (tx) => {
    const done = await cancelReturnedPayout(tx, ctx, approval.targetId)
    if (!done) return null
    await recordAudit(tx, {
      adminId,
      action: 'payout.cancelled',
      targetType: 'purchase',
      targetId: approval.targetId,
      before: { notes: done.notes, payoutCents: done.payoutCents },
      after: { purchaseState: 'returned', payoutState: 'cancelled', returnCode: done.code },
      at: ctx.now,
    })
    return done
  })
  if (!cancelled) return 'not applied: the payout changed meanwhile; look again'
  const rolled = cancelled.notes.length - 1
  return rolled === 0
    ? 'payout cancelled: the note is returned and nothing is paid on it'
    : `payouts cancelled: the note and the ${count(rolled, 'note')} rolled over from it are returned and nothing is paid on them`
}

/** A count with its noun, singular for one: "1 note", "2 notes". */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}
