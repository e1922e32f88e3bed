/**
 * The ACH network, played at the Plaid stand-in: follows every transfer through Plaid's own event
 * feed and moves each one a step at a time with the sandbox's simulate call, as banks would over
 * days. Half the moves announce themselves by webhook (the API applies them); the rest wait for
 * the worker's transfer sync to pull them. A few debits fail or come back returned.
 */
import { json } from './traffic.ts'
import type { World } from './world.ts'

interface Transfer {
  type: 'debit' | 'credit'
  status: string
}

interface TransferEvent {
  event_id: number
  transfer_id: string
  transfer_type: 'debit' | 'credit'
  event_type: string
}

const plaidHeaders = { 'PLAID-CLIENT-ID': 'soak-client-id', 'PLAID-SECRET': 'soak-secret' }
const finalStatuses = new Set(['failed', 'cancelled', 'returned', 'funds_available'])
// A simulate call can race the app: an investor may cancel a pending debit just before.
const raced = { 200: [], 400: ['SANDBOX_TRANSFER_EVENT_TRANSITION_INVALID'] }

export class Bank {
  private afterId = 0
  private readonly transfers = new Map<string, Transfer>()
  moved = 0

  constructor(private readonly world: World) {}

  /** Reads new events, then moves about half of the open transfers one step. */
  async step(): Promise<void> {
    await this.readEvents()
    for (const [id, transfer] of this.transfers) {
      if (this.world.stopping()) return
      if (isFinal(transfer) || Math.random() < 0.5) continue
      await this.move(id, transfer)
    }
  }

  private async readEvents(): Promise<void> {
    const { traffic, plaid } = this.world
    for (;;) {
      const answer = await traffic.send(
        'plaid POST /transfer/event/sync',
        `${plaid}/transfer/event/sync`,
        json('POST', { after_id: this.afterId, count: 500 }, plaidHeaders),
        { 200: [] },
      )
      const events = (answer.body?.transfer_events ?? []) as TransferEvent[]
      for (const event of events) {
        this.afterId = Math.max(this.afterId, event.event_id)
        // Ledger sweeps carry no transfer.
        if (!event.transfer_id) continue
        this.transfers.set(event.transfer_id, {
          type: event.transfer_type,
          status: event.event_type,
        })
      }
      if (answer.body?.has_more !== true) return
    }
  }

  private async move(id: string, transfer: Transfer): Promise<void> {
    const next = nextEvent(transfer)
    if (!next) return
    const { traffic, plaid, api } = this.world
    const body = {
      transfer_id: id,
      event_type: next.event,
      ...(next.returnCode ? { failure_reason: { failure_code: next.returnCode } } : {}),
      ...(Math.random() < 0.5 ? { webhook: `${api}/webhooks/plaid` } : {}),
    }
    const answer = await traffic.send(
      'plaid POST /sandbox/transfer/simulate',
      `${plaid}/sandbox/transfer/simulate`,
      json('POST', body, plaidHeaders),
      raced,
    )
    if (answer.status === 200) {
      transfer.status = next.event
      this.moved++
    }
  }
}

function isFinal(transfer: Transfer): boolean {
  return (
    finalStatuses.has(transfer.status) ||
    (transfer.type === 'credit' && transfer.status === 'settled')
  )
}

/** Debits: pending → posted → settled → funds available, a few failing or returned. Credits go through. */
function nextEvent(transfer: Transfer): { event: string; returnCode?: string } | null {
  const roll = Math.random()
  switch (transfer.status) {
    case 'pending':
      return transfer.type === 'debit' && roll < 0.04 ? { event: 'failed' } : { event: 'posted' }
    case 'posted':
      if (transfer.type === 'debit' && roll < 0.05) return { event: 'returned', returnCode: 'R01' }
      return { event: 'settled' }
    case 'settled':
      return transfer.type === 'debit' ? { event: 'funds_available' } : null
    default:
      return null
  }
}
