import type { Transfer, TransferEvent } from 'plaid'
import { loadState } from '../standins/plaid/state.ts'
import type { PlaidTestApp } from './plaid.ts'

export interface StandInTransfers {
  transfers: Transfer[]
  /** Every transfer event in event order; ledger sweeps (no transfer id) left out. */
  events: TransferEvent[]
}

/**
 * Every transfer the Plaid stand-in holds and every event it recorded, read from its state file
 * (written whole after each change) rather than through its API, so no injected fault and no
 * entry in its call log comes of looking.
 */
export function readStandInTransfers(t: PlaidTestApp): StandInTransfers {
  const state = loadState(t.plaidStatePath)
  if (!state) return { transfers: [], events: [] }

  return {
    transfers: Object.values(state.transfers),
    events: state.events.filter((event) => event.transfer_id !== ''),
  }
}
