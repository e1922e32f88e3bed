import { payouts, purchases } from '@tenor/db/schema'
import type { Transfer } from 'plaid'
import { createPlaidClient } from '../standins/plaid/testing.ts'
import { type RequiredKind, requiredKinds, tally, type Workload, wants } from './fault-workload.ts'
import { readStandInTransfers } from './standin-transfers.ts'

type Move = 'posted' | 'settled' | 'failed' | 'returned' | 'funds_available'

/**
 * What the bank does next to a transfer, as Plaid's Sandbox lets us say it: most debits settle,
 * so notes live long enough to mature, and a few fail or come back; credits settle, fail or
 * come back. An outcome the run has not seen yet is made likelier. Answers null when the
 * transfer has nowhere left to go.
 */
function nextMove(w: Workload, transfer: Transfer): Move | null {
  const kind = transfer.type === 'credit' ? 'payout' : 'debit'
  const one = (weights: [Move, number][]) =>
    w.choose.weighted(
      weights.map(([item, weight]) => {
        const wanted = `${kind} ${item}`
        const missing = (requiredKinds as readonly string[]).includes(wanted)
        return {
          item,
          weight: missing && wants(w, wanted as RequiredKind) ? weight * 4 : weight,
        }
      }),
    )

  switch (transfer.status) {
    case 'pending':
      return one([
        ['posted', 5],
        ['failed', 1],
      ])
    case 'posted':
      return one([
        ['settled', kind === 'payout' ? 3 : 6],
        ['returned', kind === 'payout' ? 2 : 1],
      ])
    case 'settled':
      return kind === 'payout'
        ? 'returned'
        : one([
            ['funds_available', 3],
            ['returned', 1],
          ])
    case 'funds_available':
      return 'returned'
    default:
      return null
  }
}

const inFlight = ['pending', 'posted']
const done = ['settled', 'funds_available']

/**
 * Moves one to five transfers the stand-in holds, debits and payout credits alike, preferring
 * transfers our database does not know yet (a lost reply on `/transfer/create`): their events
 * arrive before the transfer id does. Settled transfers are rarely touched (a late return),
 * so most notes live to mature. Half the time Plaid sends the TRANSFER_EVENTS_UPDATE webhook;
 * otherwise only a sync brings the events.
 */
export async function simulateTransferEvents(w: Workload): Promise<void> {
  const sdk = createPlaidClient(w.t.plaid.url)
  const recorded = await recordedTransfers(w)
  const transfers = readStandInTransfers(w.t).transfers
  const creditsWanted = wants(w, 'payout settled') || wants(w, 'payout returned')
  const unrecordedWanted = wants(w, 'event before its transfer was recorded')
  const preference = (transfer: Transfer) =>
    (transfer.type === 'credit' ? (creditsWanted ? 10 : 3) : 1) *
    (recorded.has(transfer.id) ? 1 : unrecordedWanted ? 20 : 4)

  // A settled credit can still come back; while that has not happened, it may.
  const settledCreditsReturn = wants(w, 'payout returned')
  for (let n = w.choose.between(1, 5); n > 0; n--) {
    // No late returns of debits while payouts are sought: they would undo notes that could mature.
    const late = !creditsWanted && w.choose.chance(0.06)
    const candidates = transfers.filter(
      (t) =>
        (late ? done : inFlight).includes(t.status) ||
        (settledCreditsReturn && t.type === 'credit' && done.includes(t.status)),
    )
    if (candidates.length === 0) continue
    const transfer = w.choose.weighted(
      candidates.map((item) => ({ item, weight: preference(item) })),
    )
    const event = nextMove(w, transfer)
    if (!event) continue
    const credit = transfer.type === 'credit'
    const code = event === 'returned' ? returnCode(w, credit) : undefined
    const webhook = w.choose.chance(0.5) ? `${w.t.apiUrl}/webhooks/plaid` : undefined

    const moved = await sdk
      .sandboxTransferSimulate({
        transfer_id: transfer.id,
        event_type: event,
        ...(code ? { failure_reason: { failure_code: code } } : {}),
        ...(webhook ? { webhook } : {}),
      })
      .then(() => true)
      // Refused when an action running alongside moved the transfer first.
      .catch(() => false)
    if (!moved) continue
    // Later picks in this call see the move.
    transfer.status = event as Transfer['status']
    tally(w, `${credit ? 'payout' : 'debit'} ${event}`)
    if (!recorded.has(transfer.id)) tally(w, 'event before its transfer was recorded')
  }
}

function returnCode(w: Workload, credit: boolean): string {
  return credit
    ? w.choose.pick(['R02', 'R03', 'R16'])
    : w.choose.weighted([
        { item: 'R01', weight: 5 },
        { item: 'R02', weight: 1 },
        { item: 'R10', weight: 1 },
      ])
}

/** Transfer ids our rows hold: the others' events arrive before we know them. */
async function recordedTransfers(w: Workload): Promise<Set<string>> {
  const db = w.t.db.database.db
  const debits = await db.select({ id: purchases.transferId }).from(purchases)
  const credits = await db.select({ id: payouts.transferId }).from(payouts)

  return new Set([...debits, ...credits].flatMap((row) => (row.id ? [row.id] : [])))
}
