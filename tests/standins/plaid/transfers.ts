import {
  type Transfer,
  type TransferAuthorization,
  TransferAuthorizationDecision,
  type TransferCancelResponse,
  type TransferCreateResponse,
  TransferEventType,
  type TransferGetResponse,
  TransferNetwork,
  TransferStatus,
  TransferType,
} from 'plaid'
import type { Handler } from './context.ts'
import { invalidField, transferError } from './errors.ts'
import {
  type RequestBody,
  readOptionalObject,
  readOptionalString,
  readString,
  requireFields,
} from './fields.ts'
import { findItem } from './item-records.ts'
import type { StandInState } from './state.ts'
import { runMagicAmount, transitionTransfer } from './transfer-lifecycle.ts'
import {
  failedFailure,
  findTransfer,
  nullSdkEnum,
  recordTransferEvent,
} from './transfer-records.ts'
import {
  addBusinessDays,
  formatCents,
  formatDate,
  formatTimestamp,
  parseAmountCents,
} from './values.ts'

const authorizationLifetimeMs = 60 * 60 * 1000

/** authorization_id is Plaid's idempotency key here: a second call answers the first transfer. */
export const createTransfer: Handler = ({ body, state, now, requestId }) => {
  requireFields(body, ['access_token', 'account_id', 'authorization_id', 'description'])
  const record = state.authorizations[readString(body, 'authorization_id')]
  if (!record) throw invalidField('authorization_id does not match any transfer authorization')

  const existing = record.transferId ? state.transfers[record.transferId] : undefined
  if (existing) return { body: answer(existing, requestId) }

  const { authorization } = record
  // Plaid's authorizations make a transfer for an hour; its error for a later one is not
  // documented, so the code is the stand-in's own.
  if (now.getTime() - Date.parse(authorization.created) >= authorizationLifetimeMs) {
    throw transferError(
      'TRANSFER_AUTHORIZATION_EXPIRED',
      'the transfer authorization expired: it was not used within an hour',
    )
  }
  const proposed = authorization.proposed_transfer
  const item = findItem(state, body)
  if (item.accessToken !== record.accessToken) {
    throw invalidField('access_token does not match the transfer authorization')
  }
  if (readString(body, 'account_id') !== proposed.account_id) {
    throw invalidField('account_id does not match the transfer authorization')
  }
  if (authorization.decision !== TransferAuthorizationDecision.Approved) {
    throw transferError(
      'TRANSFER_AUTHORIZATION_DECLINED',
      'a transfer cannot be created from an authorization that was not approved',
    )
  }

  const transfer = buildTransfer(body, authorization, now)
  state.transfers[transfer.id] = transfer
  record.transferId = transfer.id
  openTransfer(state, transfer, now)
  const created = structuredClone(transfer)
  const webhooks = runMagicAmount(state, transfer, now)

  return { body: answer(created, requestId), webhooks }
}

export const getTransfer: Handler = ({ body, state, requestId }) => {
  const transferId = readOptionalString(body, 'transfer_id')
  const authorizationId = readOptionalString(body, 'authorization_id')
  if ((transferId === null) === (authorizationId === null)) {
    throw invalidField('exactly one of transfer_id or authorization_id must be provided')
  }

  const byAuthorization = authorizationId ? state.authorizations[authorizationId]?.transferId : null
  const transfer = findTransfer(state, transferId ?? byAuthorization ?? '')

  return { body: { transfer, request_id: requestId } satisfies TransferGetResponse }
}

export const cancelTransfer: Handler = ({ body, state, now, requestId }) => {
  requireFields(body, ['transfer_id'])
  const transfer = findTransfer(state, readString(body, 'transfer_id'))
  if (!transfer.cancellable) {
    throw transferError('TRANSFER_NOT_CANCELLABLE', 'transfer is not cancellable')
  }

  transitionTransfer(state, transfer, TransferStatus.Cancelled, now)

  return { body: { request_id: requestId } satisfies TransferCancelResponse }
}

function answer(transfer: Transfer, requestId: string) {
  return { transfer, request_id: requestId } satisfies TransferCreateResponse
}

/**
 * Records the pending event and takes the Ledger's share: a debit waits in `pending`, a credit
 * leaves `available` at once and fails when the Ledger cannot cover it.
 */
function openTransfer(state: StandInState, transfer: Transfer, now: Date): void {
  const cents = parseAmountCents('amount', transfer.amount)
  recordTransferEvent(state, transfer, TransferEventType.Pending, now)
  if (transfer.type === TransferType.Debit) {
    state.ledger.pendingCents += cents
    return
  }

  state.ledger.availableCents -= cents
  if (state.ledger.availableCents < 0) {
    const failure = failedFailure('Insufficient funds in the Plaid Ledger available balance')
    transitionTransfer(state, transfer, TransferStatus.Failed, now, failure)
  }
}

function buildTransfer(body: RequestBody, authorization: TransferAuthorization, now: Date) {
  const proposed = authorization.proposed_transfer
  const network =
    Object.values(TransferNetwork).find((member) => member === proposed.network) ??
    TransferNetwork.Ach
  const description = readString(body, 'description')
  const limit = network === TransferNetwork.Ach || network === TransferNetwork.SameDayAch ? 10 : 15
  if (description.length > limit) {
    throw invalidField(`description must be at most ${limit} characters for this network`)
  }

  const authorizedCents = parseAmountCents('amount', proposed.amount)
  const requested = readOptionalString(body, 'amount')
  const cents = requested ? parseAmountCents('amount', requested) : authorizedCents
  if (cents > authorizedCents) throw invalidField('amount must not exceed the authorized amount')

  const settlement = addBusinessDays(now, network === TransferNetwork.SameDayAch ? 0 : 1)
  const isDebit = proposed.type === TransferType.Debit
  const transfer: Transfer = {
    account_id: proposed.account_id,
    amount: formatCents(cents),
    authorization_id: authorization.id,
    cancellable: true,
    created: formatTimestamp(now),
    credit_funds_source: proposed.credit_funds_source,
    description,
    expected_funds_available_date: isDebit ? formatDate(addBusinessDays(settlement, 5)) : null,
    expected_settlement_date: formatDate(settlement),
    failure_reason: null,
    funding_account_id: null,
    guarantee_decision: nullSdkEnum(),
    guarantee_decision_rationale: null,
    id: crypto.randomUUID(),
    iso_currency_code: 'USD',
    ledger_id: proposed.ledger_id ?? null,
    metadata: readMetadata(body),
    network,
    network_trace_id: null,
    origination_account_id: '',
    originator_client_id: null,
    recurring_transfer_id: null,
    refunds: [],
    standard_return_window: formatDate(addBusinessDays(settlement, 3)),
    status: TransferStatus.Pending,
    sweep_status: null,
    type: proposed.type,
    unauthorized_return_window: formatDate(addBusinessDays(settlement, 61)),
    user: proposed.user,
    ...(proposed.ach_class ? { ach_class: proposed.ach_class } : {}),
  }

  return transfer
}

// Plaid's metadata limits: at most 50 pairs, keys up to 40 and values up to 500 characters.
function readMetadata(body: RequestBody): Record<string, string> | null {
  const metadata = readOptionalObject(body, 'metadata')
  if (!metadata) return null

  const entries = Object.entries(metadata)
  const valid = entries.every(
    ([key, value]) => key.length <= 40 && typeof value === 'string' && value.length <= 500,
  )
  if (entries.length > 50 || !valid) {
    throw invalidField('metadata must hold at most 50 string pairs (keys ≤ 40, values ≤ 500 chars)')
  }

  return Object.fromEntries(entries.map(([key, value]) => [key, String(value)]))
}
