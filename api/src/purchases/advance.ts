import { purchases } from '@tenor/db/schema'
import { and, eq, isNull } from 'drizzle-orm'
import type { TransferAuthorization } from 'plaid'
import { callPlaid, toPlaidFailure } from '../plaid/errors.ts'
import { applyItemSignal, statusForSignal } from '../plaid/item-health.ts'
import { findTransferOfAuthorization } from '../plaid/transfer-lookup.ts'
import type { PurchaseDeps } from './deps.ts'
import {
  achDescription,
  type FundingSource,
  judgeAuthorization,
  loadFundingSource,
  requestAuthorization,
} from './funding.ts'
import { applyPurchaseOutcome, outcomeContextOf } from './outcomes.ts'
import { describeFailure } from './reasons.ts'
import { findPurchase, type PurchaseRow } from './records.ts'
import { linkTransfer } from './transfer-events.ts'

/**
 * Phases two and three of a purchase, between transactions: authorize the debit, then create
 * the transfer. Plaid is never called inside a transaction. When Plaid does not answer (a 500,
 * a timeout, a lost reply) the purchase stays `initiated` with what is known; `reconciling`
 * then first asks `/transfer/get` by authorization id, and creates only when Plaid says none
 * exists, with the same authorization, which Plaid dedupes. So a transfer is never made twice.
 * An authorization found expiring unused (Plaid's last an hour) is first replaced.
 */
export async function advancePurchase(
  deps: PurchaseDeps,
  purchaseId: string,
  options: { reconciling: boolean },
): Promise<PurchaseRow | null> {
  const db = deps.database.db
  const purchase = await findPurchase(db, purchaseId)
  if (purchase?.state !== 'initiated') return purchase

  const source = await loadFundingSource(deps, purchase)

  if (!purchase.authorizationId && !(await authorizePurchase(deps, purchase, source))) {
    return findPurchase(db, purchaseId)
  }
  let authorized = await findPurchase(db, purchaseId)
  if (!authorized?.authorizationId || authorized.state !== 'initiated') return authorized
  if (options.reconciling) {
    const existing = await findTransferOfAuthorization(
      deps.plaid,
      authorized.authorizationId,
      deps.log,
    )
    if (existing === 'unknown') return authorized
    if (existing) {
      await linkTransfer(deps, purchaseId, existing)
      return findPurchase(db, purchaseId)
    }
    // No transfer was made from it, and Plaid makes none from an authorization past its hour:
    // one that old is replaced by a new one (the risk check asked again) before the transfer.
    const age = authorizationAge(authorized, deps.wallClock.now())
    if (age === 'between') return authorized
    if (age === 'expiring') {
      deps.log.info('purchase authorization expiring unused; asking for a new one', {
        purchaseId,
      })
      if (!(await authorizePurchase(deps, authorized, source))) return findPurchase(db, purchaseId)
      authorized = await findPurchase(db, purchaseId)
      if (!authorized?.authorizationId || authorized.state !== 'initiated') return authorized
      // A key asked again answers the authorization Plaid gave then, perhaps long ago.
      if (authorizationAge(authorized, deps.wallClock.now()) !== 'usable') return authorized
    }
  }
  await sendTransfer(deps, authorized, authorized.authorizationId, source)

  return findPurchase(db, purchaseId)
}

/**
 * Plaid's authorizations make a transfer for an hour after they are given. A reconciler makes
 * the transfer from one given less than 40 minutes ago, and replaces one given 50 minutes ago
 * or more (or before the time was kept), leaving ten minutes for the transfer and for clocks
 * that disagree. In between it leaves the purchase to a later run: a reconciler replacing an
 * authorization is then ten minutes clear of another (the worker, the investor's retry under
 * the same key) still creating a transfer from it, which would be a second debit.
 */
const usableForMs = 40 * 60 * 1000
const replacedAfterMs = 50 * 60 * 1000

function authorizationAge(purchase: PurchaseRow, now: Date): 'usable' | 'between' | 'expiring' {
  if (purchase.authorizedAt === null) return 'expiring'
  const age = now.getTime() - purchase.authorizedAt.getTime()
  if (age >= replacedAfterMs) return 'expiring'

  return age < usableForMs ? 'usable' : 'between'
}

/**
 * When Plaid gave the authorization: its own time, as a key asked again after a lost reply
 * answers one given then; our clock's when that is later (Plaid's clock ahead) or unreadable.
 */
function givenAt(authorization: TransferAuthorization, now: Date): Date {
  const created = Date.parse(authorization.created)
  return Number.isNaN(created) || created > now.getTime() ? now : new Date(created)
}

/**
 * Asks Plaid to authorize the debit, records its decision and applies the policy; answers
 * whether to go on to the transfer. A purchase holding an authorization that is expiring
 * unused has it replaced: the new one is asked for under a key derived from the old one, so
 * reconcilers racing, or a lost reply asked again, get the same new authorization.
 */
async function authorizePurchase(
  deps: PurchaseDeps,
  purchase: PurchaseRow,
  source: FundingSource,
): Promise<boolean> {
  const replacing = purchase.authorizationId
  let authorization: TransferAuthorization
  try {
    authorization = await requestAuthorization(deps, purchase, source, authorizationKeyOf(purchase))
  } catch (error) {
    await handleRefusal(deps, purchase, source, error, 'authorization')
    return false
  }

  const verdict = judgeAuthorization(authorization)
  const ctx = outcomeContextOf(deps)
  await deps.database.write(async (tx) => {
    const [recorded] = await tx
      .update(purchases)
      .set({
        authorizationId: authorization.id,
        authorizedAt: givenAt(authorization, deps.wallClock.now()),
        decision: authorization.decision,
        decisionRationale: authorization.decision_rationale?.code ?? null,
        updatedAt: ctx.now,
      })
      .where(
        and(
          eq(purchases.id, purchase.id),
          eq(purchases.state, 'initiated'),
          replacing === null
            ? isNull(purchases.authorizationId)
            : eq(purchases.authorizationId, replacing),
        ),
      )
      .returning()
    if (!recorded || verdict.proceed) return

    await applyPurchaseOutcome(tx, ctx, recorded, {
      state: 'failed',
      at: ctx.now,
      reason: `authorization ${authorization.decision} (${verdict.code})`,
      failureCode: verdict.code,
      failureReason: verdict.reason,
    })
  })
  if (!verdict.proceed && verdict.itemSignal) await signalItem(deps, source, verdict.itemSignal)

  return verdict.proceed
}

/**
 * The idempotency key of a purchase's authorization: its id for the first, and for one that
 * replaces an expiring authorization, a key naming the one it replaces (Plaid allows 50
 * characters; authorization ids are UUIDs).
 */
function authorizationKeyOf(purchase: Pick<PurchaseRow, 'id' | 'authorizationId'>) {
  if (purchase.authorizationId === null) return purchase.id
  const key = `renew:${purchase.authorizationId}`
  if (key.length > 50) throw new Error(`Plaid idempotency key too long: ${key}`)

  return key
}

async function sendTransfer(
  deps: PurchaseDeps,
  purchase: PurchaseRow,
  authorizationId: string,
  source: FundingSource,
): Promise<void> {
  let transferId: string
  try {
    const answer = await callPlaid(() =>
      deps.plaid.transferCreate({
        access_token: source.accessToken,
        account_id: source.plaidAccountId,
        authorization_id: authorizationId,
        description: achDescription,
        metadata: { purchase_id: purchase.id },
      }),
    )
    transferId = answer.transfer.id
  } catch (error) {
    await handleRefusal(deps, purchase, source, error, 'transfer')
    return
  }

  await linkTransfer(deps, purchase.id, transferId)
}

/**
 * A Plaid call that failed. Transient failures leave the purchase for reconciliation, since
 * Plaid may have done the work. Anything else means nothing was made: the purchase fails.
 */
async function handleRefusal(
  deps: PurchaseDeps,
  purchase: PurchaseRow,
  source: FundingSource,
  error: unknown,
  step: 'authorization' | 'transfer',
): Promise<void> {
  const failure = toPlaidFailure(error)
  if (failure.transient) {
    deps.log.warn('plaid did not answer; the purchase waits for reconciliation', {
      purchaseId: purchase.id,
      step,
      code: failure.errorCode,
    })
    return
  }

  const ctx = outcomeContextOf(deps)
  await deps.database.write(async (tx) => {
    const current = await findPurchase(tx, purchase.id)
    if (!current) return
    await applyPurchaseOutcome(tx, ctx, current, {
      state: 'failed',
      at: ctx.now,
      reason: `${step} refused (${failure.errorCode})`,
      failureCode: failure.errorCode,
      failureReason: describeFailure(failure.errorCode),
    })
  })
  if (statusForSignal(failure.errorCode)) await signalItem(deps, source, failure.errorCode)
}

async function signalItem(deps: PurchaseDeps, source: FundingSource, signal: string) {
  await applyItemSignal(deps.database, {
    plaidItemId: source.plaidItemId,
    signal,
    now: deps.clock.now(),
    publicUrl: deps.env.publicUrl,
  })
}
