import {
  SweepStatus,
  SweepTrigger,
  TransferACHNetwork,
  type TransferEvent,
  type TransferEventSyncResponse,
  TransferEventType,
  type TransferLedgerDepositResponse,
  type TransferLedgerGetResponse,
  type TransferSweep,
} from 'plaid'
import type { Handler } from './context.ts'
import { invalidField, missingFields } from './errors.ts'
import {
  type RequestBody,
  readEnum,
  readOptionalInteger,
  readOptionalString,
  readString,
  requireFields,
} from './fields.ts'
import type { StandInState } from './state.ts'
import { formatCents, formatTimestamp, parseAmountCents } from './values.ts'

export const getLedger: Handler = ({ body, state, requestId }) => {
  assertLedgerId(state, body)
  const { ledger } = state

  return {
    body: {
      balance: {
        available: formatCents(ledger.availableCents),
        pending: formatCents(ledger.pendingCents),
      },
      is_default: true,
      ledger_id: ledger.id,
      name: ledger.name,
      request_id: requestId,
    } satisfies TransferLedgerGetResponse,
  }
}

/**
 * Moves money from the business account into the Ledger. Plaid holds a deposit until its sweep
 * settles; here it is available at once (see the README's known limitations).
 */
export const depositToLedger: Handler = ({ body, state, now, requestId }) => {
  requireFields(body, ['amount', 'idempotency_key', 'network'])
  assertLedgerId(state, body)
  const idempotencyKey = readString(body, 'idempotency_key')
  if (idempotencyKey.length > 50)
    throw invalidField('idempotency_key must be at most 50 characters')

  const knownId = state.sweepKeys[idempotencyKey]
  const known = knownId ? state.sweeps[knownId] : undefined
  if (known) return { body: answerDeposit(known, requestId) }

  readEnum(body, 'network', TransferACHNetwork)
  const cents = parseAmountCents('amount', readString(body, 'amount'))
  const description = readOptionalString(body, 'description') ?? 'deposit'
  if (description.length > 10) throw invalidField('description must be at most 10 characters')

  // A deposit leaves the business account, so the sweep amount is negative, as in Plaid's example.
  const sweep: TransferSweep = {
    amount: formatCents(-cents),
    created: formatTimestamp(now),
    description,
    failure_reason: null,
    funding_account_id:
      readOptionalString(body, 'funding_account_id') ?? state.ledger.fundingAccountId,
    id: crypto.randomUUID(),
    iso_currency_code: 'USD',
    ledger_id: state.ledger.id,
    network_trace_id: null,
    settled: null,
    status: SweepStatus.Pending,
    trigger: SweepTrigger.Manual,
  }
  state.sweeps[sweep.id] = sweep
  state.sweepKeys[idempotencyKey] = sweep.id
  state.ledger.availableCents += cents
  recordSweepEvent(state, sweep, TransferEventType.SweepPending, now)
  recordSweepEvent(state, sweep, TransferEventType.SweepFundsAvailable, now)

  return { body: answerDeposit(sweep, requestId) }
}

export const syncTransferEvents: Handler = ({ body, state, requestId }) => {
  const afterId = readOptionalInteger(body, 'after_id')
  if (afterId === null) throw missingFields(['after_id'])
  if (afterId < 0) throw invalidField('after_id must be at least 0')
  const count = readOptionalInteger(body, 'count') ?? 100
  if (count < 1 || count > 500) throw invalidField('count must be between 1 and 500')

  const newer = state.events.filter((event) => event.event_id > afterId)

  return {
    body: {
      has_more: newer.length > count,
      request_id: requestId,
      transfer_events: newer.slice(0, count),
    } satisfies TransferEventSyncResponse,
  }
}

function answerDeposit(sweep: TransferSweep, requestId: string) {
  return { sweep, request_id: requestId } satisfies TransferLedgerDepositResponse
}

function assertLedgerId(state: StandInState, body: RequestBody): void {
  const ledgerId = readOptionalString(body, 'ledger_id')
  if (ledgerId !== null && ledgerId !== state.ledger.id) {
    throw invalidField('ledger_id does not match any ledger')
  }
}

// Sweep events carry an empty transfer_id; receivers must skip them when matching transfers.
function recordSweepEvent(
  state: StandInState,
  sweep: TransferSweep,
  eventType: TransferEventType,
  now: Date,
): void {
  const event: TransferEvent = {
    event_id: (state.events.at(-1)?.event_id ?? 0) + 1,
    event_type: eventType,
    failure_reason: null,
    funding_account_id: sweep.funding_account_id,
    ledger_id: sweep.ledger_id ?? null,
    origination_account_id: null,
    originator_client_id: null,
    refund_id: null,
    sweep_amount: sweep.amount,
    sweep_id: sweep.id,
    timestamp: formatTimestamp(now),
    transfer_id: '',
  }
  state.events.push(event)
}
