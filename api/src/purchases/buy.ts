import { businessDateOf } from '@tenor/db/domain'
import type { SessionUser } from '../context.ts'
import { sha256Hex } from '../lib/crypto.ts'
import { ApiError } from '../lib/errors.ts'
import { advancePurchase } from './advance.ts'
import type { DebitConsent } from './authorization.ts'
import type { PurchaseDeps } from './deps.ts'
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  releaseIdempotencyKey,
} from './idempotency.ts'
import { checkPurchaseRequest, type PurchaseRequest } from './preconditions.ts'
import { reconnectCodes } from './reasons.ts'
import type { PurchaseRow } from './records.ts'
import { reservePurchase } from './reserve.ts'
import { listPurchaseViews } from './views.ts'

/** The answer to `POST /purchases`, as sent the first time and replayed after. */
export interface PurchaseAnswer {
  status: number
  body: unknown
  replayed: boolean
}

/**
 * Buys a note under an idempotency key: replays the key's first answer, or refuses a reused
 * or busy key; otherwise checks the request, reserves capacity (phase one) and advances the
 * purchase through Plaid (phases two and three). Refusals before a purchase exists store
 * nothing; any answer after it does.
 */
export async function buyNote(
  deps: PurchaseDeps,
  input: {
    user: SessionUser
    key: string
    request: PurchaseRequest
    requestId: string
    consent: DebitConsent
  },
): Promise<PurchaseAnswer> {
  const claim = await claimIdempotencyKey(deps.database, {
    userId: input.user.id,
    key: input.key,
    requestHash: hashRequest(input.request),
    now: deps.wallClock.now(),
  })
  if (claim.kind === 'reused') {
    // The purchase the key made, if any, is named: the client can show it rather than a riddle.
    throw new ApiError(
      422,
      'idempotency_key_reused',
      'This Idempotency-Key was used for a different purchase. Use a new key for a new purchase.',
      claim.purchaseId ? { purchaseId: claim.purchaseId } : undefined,
    )
  }
  if (claim.kind === 'in_use') {
    throw new ApiError(
      409,
      'idempotency_key_in_use',
      'A purchase with this Idempotency-Key is still being processed. Try again in a moment.',
    )
  }
  if (claim.kind === 'replay') {
    return { status: claim.status, body: JSON.parse(claim.body), replayed: true }
  }

  try {
    const answer = await runPurchase(deps, input, claim)
    await completeIdempotencyKey(deps.database, claim.keyId, answer)

    return { ...answer, replayed: false }
  } catch (error) {
    await releaseIdempotencyKey(deps.database, claim.keyId).catch((releaseError: unknown) => {
      deps.log.error('could not release an idempotency key', { error: releaseError })
    })
    throw error
  }
}

/** A new purchase from phase one, or the key's purchase resumed; then phases two and three. */
async function runPurchase(
  deps: PurchaseDeps,
  input: { user: SessionUser; request: PurchaseRequest; requestId: string; consent: DebitConsent },
  claim: { kind: 'claimed'; keyId: string } | { kind: 'resume'; purchaseId: string },
): Promise<{ status: number; body: unknown }> {
  const { user, request } = input
  const today = businessDateOf(deps.clock.now(), deps.env.businessTimeZone)
  let purchaseId: string
  if (claim.kind === 'resume') {
    purchaseId = claim.purchaseId
  } else {
    const { offering, account } = await checkPurchaseRequest(deps, user, request, today)
    purchaseId = await reservePurchase(deps, {
      buyer: user,
      offering,
      account,
      request,
      consent: input.consent,
      keyId: claim.keyId,
      today,
    })
  }

  const purchase = await advancePurchase(deps, purchaseId, { reconciling: claim.kind === 'resume' })
  if (!purchase) throw new Error(`Purchase ${purchaseId} vanished`)

  return answerFor(deps, purchase, input.requestId)
}

/** The same request always hashes the same, whatever order its fields came in. */
function hashRequest(request: PurchaseRequest): string {
  const { offeringId, bankAccountId, amountCents, rateBps, consent } = request

  return sha256Hex(
    JSON.stringify([
      'POST /purchases',
      offeringId,
      bankAccountId,
      amountCents,
      consent,
      // Left out when not sent, so keys stored before the field existed still match.
      ...(rateBps === undefined ? [] : [rateBps]),
    ]),
  )
}

/**
 * 201 once a transfer exists (whatever it has done since), 202 while the purchase still waits
 * for Plaid, and an error naming the reason when Plaid declined or refused before any transfer.
 */
async function answerFor(
  deps: PurchaseDeps,
  purchase: PurchaseRow,
  requestId: string,
): Promise<{ status: number; body: unknown }> {
  if (purchase.state === 'failed' && purchase.transferId === null) {
    const { status, code } = failureAnswer(purchase.failureCode)
    const message = purchase.failureReason ?? 'The purchase did not go through.'
    return { status, body: { error: { code, message, requestId, purchaseId: purchase.id } } }
  }

  const today = businessDateOf(deps.clock.now(), deps.env.businessTimeZone)
  const [view] = await listPurchaseViews(deps.database.db, {
    userId: purchase.userId,
    purchaseId: purchase.id,
    today,
    timeZone: deps.env.businessTimeZone,
  })

  return { status: purchase.state === 'initiated' ? 202 : 201, body: { purchase: view } }
}

function failureAnswer(code: string | null): { status: number; code: string } {
  if (code && reconnectCodes.has(code)) return { status: 409, code: 'bank_reconnect_required' }
  if (code === 'NSF') return { status: 402, code: 'insufficient_funds' }
  if (code === 'RISK') return { status: 402, code: 'payment_declined' }
  if (code === 'TRANSFER_LIMIT_REACHED') return { status: 402, code: 'transfer_limit_reached' }

  return { status: 402, code: 'payment_failed' }
}
