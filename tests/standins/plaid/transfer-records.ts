import {
  OmittableTransferType,
  type Transfer,
  type TransferEvent,
  type TransferEventsUpdateWebhook,
  type TransferEventType,
  type TransferFailure,
  TransferStatus,
  TransferType,
  type TransferUserInResponse,
  WebhookEnvironmentValues,
} from 'plaid'
import { notFound } from './errors.ts'
import { type RequestBody, readOptionalObject, readOptionalString, readString } from './fields.ts'
import type { LedgerRecord, StandInState } from './state.ts'
import { formatTimestamp, parseAmountCents } from './values.ts'
import type { WebhookRequest } from './webhooks.ts'

/**
 * The SDK's generator turns OpenAPI's nullable enums into a `Null = "null"` member, so its types
 * cannot hold the null that Plaid actually sends (e.g. `guarantee_decision`). This is the one
 * place that bridges the gap; the conformance test checks the result against Plaid's schema.
 */
export function nullSdkEnum<T extends string>(): T {
  return null as unknown as T
}

/** ACH return codes the stand-in knows by name; others keep a generic description. */
const returnDescriptions: Record<string, string> = {
  R01: 'Insufficient funds',
  R02: 'Account closed',
  R03: 'No account or unable to locate account',
  R04: 'Invalid account number structure',
  R05: 'Unauthorized debit to consumer account using corporate SEC code',
  R07: 'Authorization revoked by customer',
  R08: 'Payment stopped',
  R09: 'Uncollected funds',
  R10: 'Customer advises not authorized',
  R16: 'Account frozen',
  R20: 'Non-transaction account',
  R29: 'Corporate customer advises not authorized',
}

export function returnFailure(code: string, description?: string | null): TransferFailure {
  return {
    ach_return_code: code,
    description: description ?? returnDescriptions[code] ?? 'The transfer was returned',
    failure_code: code,
  }
}

/** A failure before any money moved; a code is kept as the simulation gave it (none by default). */
export function failedFailure(description?: string | null, code?: string | null): TransferFailure {
  return {
    ach_return_code: code && /^R\d\d$/.test(code) ? code : null,
    description: description ?? (code && returnDescriptions[code]) ?? 'The transfer failed',
    failure_code: code ?? null,
  }
}

export function toTransferUser(user: RequestBody): TransferUserInResponse {
  const address = readOptionalObject(user, 'address')

  return {
    address: address
      ? {
          city: readOptionalString(address, 'city'),
          country: readOptionalString(address, 'country'),
          postal_code: readOptionalString(address, 'postal_code'),
          region: readOptionalString(address, 'region'),
          street: readOptionalString(address, 'street'),
        }
      : null,
    email_address: readOptionalString(user, 'email_address'),
    legal_name: readString(user, 'legal_name'),
    phone_number: readOptionalString(user, 'phone_number'),
  }
}

export function findTransfer(state: StandInState, transferId: string): Transfer {
  const transfer = state.transfers[transferId]
  if (!transfer) throw notFound('transfer not found')

  return transfer
}

export function transferCents(transfer: Transfer): number {
  return parseAmountCents('amount', transfer.amount)
}

/** Appends an event with the next sequential id; event ids are never reused. */
export function recordTransferEvent(
  state: StandInState,
  transfer: Transfer,
  eventType: TransferEventType,
  now: Date,
): TransferEvent {
  const event: TransferEvent = {
    account_id: transfer.account_id,
    event_id: (state.events.at(-1)?.event_id ?? 0) + 1,
    event_type: eventType,
    failure_reason: transfer.failure_reason,
    funding_account_id: transfer.funding_account_id,
    ledger_id: transfer.ledger_id,
    origination_account_id: transfer.origination_account_id,
    originator_client_id: null,
    refund_id: null,
    sweep_amount: null,
    sweep_id: null,
    timestamp: formatTimestamp(now),
    transfer_amount: transfer.amount,
    transfer_id: transfer.id,
    transfer_type:
      transfer.type === TransferType.Debit
        ? OmittableTransferType.Debit
        : OmittableTransferType.Credit,
  }
  state.events.push(event)

  return event
}

/**
 * Moves Ledger money for a status change. Debits sit in `pending` from creation until
 * funds_available; credits leave `available` at creation and come back if they fail or return.
 */
export function applyLedgerEffect(
  ledger: LedgerRecord,
  transfer: Transfer,
  from: TransferStatus,
  to: TransferStatus,
): void {
  const cents = transferCents(transfer)
  const undone = to === TransferStatus.Failed || to === TransferStatus.Cancelled
  if (transfer.type === TransferType.Credit) {
    if (undone || to === TransferStatus.Returned) ledger.availableCents += cents
    return
  }

  if (to === TransferStatus.FundsAvailable) {
    ledger.pendingCents -= cents
    ledger.availableCents += cents
  } else if (to === TransferStatus.Returned && from === TransferStatus.FundsAvailable) {
    // A debit returned after release is clawed back from available, which may go negative.
    ledger.availableCents -= cents
  } else if (undone || to === TransferStatus.Returned) {
    ledger.pendingCents -= cents
  }
}

/** TRANSFER_EVENTS_UPDATE carries no ids; receivers call /transfer/event/sync. */
export function transferEventsWebhook(url: string | null): WebhookRequest[] {
  if (!url) return []

  const payload = {
    webhook_type: 'TRANSFER',
    webhook_code: 'TRANSFER_EVENTS_UPDATE',
    environment: WebhookEnvironmentValues.Sandbox,
  } satisfies TransferEventsUpdateWebhook

  return [{ url, payload }]
}
