import {
  type SandboxTransferFireWebhookResponse,
  type SandboxTransferSimulateResponse,
  type Transfer,
  TransferEventType,
  type TransferFailure,
  TransferStatus,
  TransferType,
} from 'plaid'
import type { Handler } from './context.ts'
import { invalidField, sandboxError } from './errors.ts'
import { readOptionalObject, readOptionalString, readString, requireFields } from './fields.ts'
import { readWebhookUrl } from './link.ts'
import type { StandInState } from './state.ts'
import {
  applyLedgerEffect,
  failedFailure,
  findTransfer,
  recordTransferEvent,
  returnFailure,
  transferEventsWebhook,
} from './transfer-records.ts'
import type { WebhookRequest } from './webhooks.ts'

const eventForStatus: Record<TransferStatus, TransferEventType> = {
  [TransferStatus.Pending]: TransferEventType.Pending,
  [TransferStatus.Posted]: TransferEventType.Posted,
  [TransferStatus.Settled]: TransferEventType.Settled,
  [TransferStatus.FundsAvailable]: TransferEventType.FundsAvailable,
  [TransferStatus.Cancelled]: TransferEventType.Cancelled,
  [TransferStatus.Failed]: TransferEventType.Failed,
  [TransferStatus.Returned]: TransferEventType.Returned,
}

/**
 * The transitions /sandbox/transfer/simulate accepts: Plaid's documented list, plus returns after
 * settlement and after funds_available, which Plaid's state model allows for real returns.
 */
const simulatedTransitions: Partial<Record<TransferStatus, TransferStatus[]>> = {
  [TransferStatus.Pending]: [TransferStatus.Failed, TransferStatus.Posted],
  [TransferStatus.Posted]: [TransferStatus.Returned, TransferStatus.Settled],
  [TransferStatus.Settled]: [TransferStatus.FundsAvailable, TransferStatus.Returned],
  [TransferStatus.FundsAvailable]: [TransferStatus.Returned],
}

const simulatedEvents = [
  TransferStatus.Posted,
  TransferStatus.Settled,
  TransferStatus.Failed,
  TransferStatus.FundsAvailable,
  TransferStatus.Returned,
]

type MagicStep = TransferStatus | { returned: string }

/** Sandbox amounts that run their own transitions on /transfer/create. */
const magicAmounts: Record<string, MagicStep[]> = {
  '11.11': [TransferStatus.Posted, TransferStatus.Settled, TransferStatus.FundsAvailable],
  '22.22': [TransferStatus.Failed],
  '33.33': [TransferStatus.Posted, { returned: 'R01' }],
  '44.44': [TransferStatus.Posted, { returned: 'R02' }],
  '55.55': [TransferStatus.Posted, { returned: 'R16' }],
  '66.66': [TransferStatus.Posted, TransferStatus.Settled, { returned: 'R10' }],
}

/** Changes a transfer's status, moves Ledger money and records the matching event. */
export function transitionTransfer(
  state: StandInState,
  transfer: Transfer,
  to: TransferStatus,
  now: Date,
  failure: TransferFailure | null = null,
): void {
  const from = transfer.status
  transfer.status = to
  transfer.cancellable = to === TransferStatus.Pending
  if (failure) transfer.failure_reason = failure
  applyLedgerEffect(state.ledger, transfer, from, to)
  recordTransferEvent(state, transfer, eventForStatus[to], now)
}

/** Runs a magic amount's path; answers the TRANSFER_EVENTS_UPDATE webhook Plaid fires for it. */
export function runMagicAmount(
  state: StandInState,
  transfer: Transfer,
  now: Date,
): WebhookRequest[] {
  const steps = magicAmounts[transfer.amount]
  if (!steps || transfer.status !== TransferStatus.Pending) return []

  for (const step of steps) {
    // Credits end at settled; funds_available exists for debits only.
    if (step === TransferStatus.FundsAvailable && transfer.type === TransferType.Credit) break
    if (typeof step === 'string') {
      const failure = step === TransferStatus.Failed ? failedFailure() : null
      transitionTransfer(state, transfer, step, now, failure)
    } else {
      transitionTransfer(
        state,
        transfer,
        TransferStatus.Returned,
        now,
        returnFailure(step.returned),
      )
    }
  }

  return transferEventsWebhook(state.transferWebhookUrl)
}

export const simulateTransfer: Handler = ({ body, state, now, requestId }) => {
  requireFields(body, ['transfer_id', 'event_type'])
  const transfer = findTransfer(state, readString(body, 'transfer_id'))
  const eventType = readString(body, 'event_type')
  const to = simulatedEvents.find((status) => status === eventType)
  if (!to) throw invalidField(`event_type must be one of: ${simulatedEvents.join(', ')}`)
  const webhook = readWebhookUrl(body)

  const allowed = simulatedTransitions[transfer.status] ?? []
  const debitOnly = to === TransferStatus.FundsAvailable && transfer.type !== TransferType.Debit
  if (!allowed.includes(to) || debitOnly) {
    throw sandboxError(
      'SANDBOX_TRANSFER_EVENT_TRANSITION_INVALID',
      `The provided simulated event type "${to}" is incompatible with the current transfer status "${transfer.status}"`,
    )
  }

  const reason = readOptionalObject(body, 'failure_reason') ?? {}
  const description = readOptionalString(reason, 'description')
  const code =
    readOptionalString(reason, 'failure_code') ?? readOptionalString(reason, 'ach_return_code')
  const failure =
    to === TransferStatus.Returned
      ? returnFailure(code ?? 'R01', description)
      : to === TransferStatus.Failed
        ? failedFailure(description, code)
        : null
  transitionTransfer(state, transfer, to, now, failure)

  return {
    body: { request_id: requestId } satisfies SandboxTransferSimulateResponse,
    webhooks: transferEventsWebhook(webhook),
  }
}

export const fireTransferWebhook: Handler = ({ body, requestId }) => {
  requireFields(body, ['webhook'])

  return {
    body: { request_id: requestId } satisfies SandboxTransferFireWebhookResponse,
    webhooks: transferEventsWebhook(readWebhookUrl(body)),
  }
}
