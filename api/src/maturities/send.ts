import type { Logger } from '@tenor/db/logger'
import { payouts } from '@tenor/db/schema'
import { and, eq, isNull } from 'drizzle-orm'
import {
  ACHClass,
  type TransferAuthorization,
  TransferAuthorizationDecision,
  TransferNetwork,
  TransferType,
} from 'plaid'
import { callPlaid, toPlaidFailure } from '../plaid/errors.ts'
import { scopeOfRefusal } from '../plaid/refusals.ts'
import type { PurchaseDeps } from '../purchases/deps.ts'
import { type FundingSource, formatDecimalAmount } from '../purchases/funding.ts'
import { wasFundingInDoubt, withheldForReview } from '../purchases/funding-in-doubt.ts'
import { outcomeContextOf } from '../purchases/outcomes.ts'
import {
  findPayout,
  movePayout,
  nextAttemptKey,
  type PayoutRow,
  plaidKeyOf,
  writeRetrying,
} from './records.ts'
import { holdRefused, holdUndeliverable, loadDestination } from './send-destination.ts'
import { createCredit } from './send-transfer.ts'

export type SendOutcome =
  | 'sent'
  | 'waiting'
  | 'withheld'
  | 'stillWithheld'
  | 'declined'
  | 'refused'
  | 'held'
  | 'skipped'

/**
 * Sends one `initiated` payout by ACH credit, between short transactions and never inside one:
 * 1. `/transfer/authorization/create` (credit, ach, ppd) under the payout's key, so asking
 *    again after a crash or a lost reply answers the same authorization; its id is stored;
 * 2. `/transfer/create` from that authorization (which Plaid also dedupes), the transfer id
 *    stored with the payout `pending`. A payout found holding an authorization but no transfer
 *    (a crash, a lost reply) first asks `/transfer/get` by authorization id, and only a 404
 *    leads to a create. So one authorization makes at most one credit.
 * A decline (the Plaid Ledger lacks funds) leaves the payout `initiated` under the next
 * attempt's key, for the next run: Plaid would answer the same declined authorization to the
 * same key. Transient failures leave it as it is. A refusal Plaid would repeat for this account
 * or its connection (the item is gone, the account closed) holds the money for the investor.
 */
export async function sendPayout(
  deps: PurchaseDeps,
  payoutId: string,
  log: Logger,
): Promise<SendOutcome> {
  const payout = await findPayout(deps.database.db, payoutId)
  if (payout?.state !== 'initiated') return 'skipped'
  // The debit that paid for the note came back after it matured (or after the note it was
  // rolled over from did), or another debit from its account came back as unauthorized: the
  // principal may not stay with us, so nothing goes out until a person has looked. Once an
  // authorization exists a credit may be in flight, and resuming it is what keeps it single.
  if (!payout.authorizationId && (await wasFundingInDoubt(deps.database.db, payout.purchaseId))) {
    return withhold(deps, payout, log)
  }

  const destination = await loadDestination(deps, payout)
  if (!destination) return holdUndeliverable(deps, payout, log)

  let authorizationId = payout.authorizationId
  if (!authorizationId) {
    const authorized = await authorizeCredit(deps, payout, destination, log)
    if (typeof authorized !== 'string') return authorized.outcome
    authorizationId = authorized
  }

  return createCredit(deps, {
    payout,
    authorizationId,
    destination,
    resumed: payout.authorizationId !== null,
    log,
  })
}

/** Still the attempt read, and not yet asked of Plaid: only such a payout is written here. */
const isUnaskedAttempt = (payout: PayoutRow) =>
  and(
    eq(payouts.id, payout.id),
    eq(payouts.state, 'initiated'),
    eq(payouts.idempotencyKey, payout.idempotencyKey),
    isNull(payouts.authorizationId),
  )

/**
 * Marks a payout withheld for review, once: the run that first withholds it says so at error
 * level for a person to act on, and later runs, finding the mark, only note it. The mark's time
 * is when the review began.
 */
async function withhold(deps: PurchaseDeps, payout: PayoutRow, log: Logger): Promise<SendOutcome> {
  const fields = { payoutId: payout.id, purchaseId: payout.purchaseId }
  if (payout.failureCode === withheldForReview.code) {
    log.info('payout still withheld for review', fields)
    return 'stillWithheld'
  }

  const marked = await writeRetrying(deps.database, (tx) =>
    tx
      .update(payouts)
      .set({
        failureCode: withheldForReview.code,
        failureReason: withheldForReview.reason,
        updatedAt: outcomeContextOf(deps).now,
      })
      .where(isUnaskedAttempt(payout)),
  )
  if (marked.rowsAffected > 0) {
    log.error('payout withheld: the money that paid for the note is in doubt; needs review', fields)
  }
  return 'withheld'
}

/** Asks Plaid to authorize the credit; answers the authorization id, or what happened instead. */
async function authorizeCredit(
  deps: PurchaseDeps,
  payout: PayoutRow,
  destination: FundingSource,
  log: Logger,
): Promise<string | { outcome: SendOutcome }> {
  const fields = { payoutId: payout.id, purchaseId: payout.purchaseId }
  let authorization: TransferAuthorization
  try {
    const answer = await callPlaid(() =>
      deps.plaid.transferAuthorizationCreate({
        access_token: destination.accessToken,
        account_id: destination.plaidAccountId,
        type: TransferType.Credit,
        network: TransferNetwork.Ach,
        ach_class: ACHClass.Ppd,
        amount: formatDecimalAmount(payout.amountCents),
        user: { legal_name: destination.legalName },
        idempotency_key: plaidKeyOf(payout.idempotencyKey),
      }),
    )
    authorization = answer.authorization
  } catch (error) {
    return { outcome: await handleRefusal(deps, payout, destination, error, log) }
  }

  const ctx = outcomeContextOf(deps)
  if (authorization.decision !== TransferAuthorizationDecision.Approved) {
    const code = authorization.decision_rationale?.code ?? authorization.decision.toUpperCase()
    log.error('payout authorization declined; the next run tries again', { ...fields, code })
    await writeRetrying(deps.database, async (tx) => {
      const current = await findPayout(tx, payout.id)
      if (current?.idempotencyKey !== payout.idempotencyKey || current.authorizationId) return
      await movePayout(tx, current, 'initiated', ctx.now, {
        idempotencyKey: nextAttemptKey(current.idempotencyKey),
        failureCode: code,
        failureReason:
          authorization.decision_rationale?.description ?? 'Plaid declined the credit.',
      })
    })
    return { outcome: 'declined' }
  }

  await writeRetrying(deps.database, (tx) =>
    tx
      .update(payouts)
      .set({ authorizationId: authorization.id, updatedAt: ctx.now })
      .where(isUnaskedAttempt(payout)),
  )
  const current = await findPayout(deps.database.db, payout.id)
  // Another worker may have stored it first: the same key answered the same authorization.
  if (current?.state !== 'initiated' || current.authorizationId !== authorization.id) {
    return { outcome: 'skipped' }
  }

  return authorization.id
}

/**
 * Plaid refused to authorize the credit. Not answering leaves the payout for the next run; a
 * refusal permanent for the account or its connection holds the money for the investor; any
 * other refusal is ours to fix (configuration, a request Plaid finds wrong), so it is logged at
 * error level and asked again on every run until a person has.
 */
async function handleRefusal(
  deps: PurchaseDeps,
  payout: PayoutRow,
  destination: FundingSource,
  error: unknown,
  log: Logger,
): Promise<SendOutcome> {
  const failure = toPlaidFailure(error)
  const fields = { payoutId: payout.id, code: failure.errorCode }
  const scope = scopeOfRefusal(failure)
  if (scope === 'transient') {
    log.warn('plaid did not answer the payout authorization; the next run asks again', fields)
    return 'waiting'
  }
  if (scope !== 'ours') return holdRefused(deps, { payout, destination, failure }, log)

  log.error('plaid refused the payout authorization; the next run tries again', fields)
  await writeRetrying(deps.database, (tx) =>
    tx
      .update(payouts)
      .set({ failureCode: failure.errorCode, failureReason: 'Plaid refused the credit.' })
      .where(and(eq(payouts.id, payout.id), eq(payouts.state, 'initiated'))),
  )

  return 'refused'
}
