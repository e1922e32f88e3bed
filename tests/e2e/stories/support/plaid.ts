import { readFileSync } from 'node:fs'
import { e2ePaths, e2eUrls } from '../../ports.ts'

interface StandInItem {
  itemId: string
  accessToken: string
  institutionId: string
  removed: boolean
}

/** Item ids the Plaid stand-in holds now, read from its state file. */
export function listStandInItems(): StandInItem[] {
  const state = JSON.parse(readFileSync(e2ePaths.plaidState, 'utf8')) as {
    items: Record<string, StandInItem>
  }
  return Object.values(state.items)
}

/**
 * The one item created since `before` was taken. The access token lives only in the API's
 * database (sealed) and in the stand-in's state file; a story reads the latter.
 */
export function findNewItem(before: StandInItem[]): StandInItem {
  const known = new Set(before.map((item) => item.itemId))
  const created = listStandInItems().filter((item) => !known.has(item.itemId) && !item.removed)
  if (created.length !== 1) throw new Error(`expected one new item, found ${created.length}`)

  return created[0] as StandInItem
}

/**
 * Plaid's sandbox way to make a bank demand a new login: the item goes into
 * ITEM_LOGIN_REQUIRED and an ITEM ERROR webhook goes to the API.
 */
export async function resetItemLogin(item: StandInItem): Promise<void> {
  const response = await fetch(new URL('/sandbox/item/reset_login', e2eUrls.plaid), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'PLAID-CLIENT-ID': 'e2e-stories',
      'PLAID-SECRET': 'e2e-stories',
    },
    body: JSON.stringify({ access_token: item.accessToken }),
  })
  if (!response.ok) throw new Error(`reset_login answered ${response.status}`)
}

export interface StandInTransfer {
  id: string
  status: string
  type: 'debit' | 'credit'
  account_id: string
}

/** Transfers the Plaid stand-in holds now, read from its state file. */
export function listStandInTransfers(): StandInTransfer[] {
  const state = JSON.parse(readFileSync(e2ePaths.plaidState, 'utf8')) as {
    transfers: Record<string, StandInTransfer>
  }
  return Object.values(state.transfers)
}

/** The one transfer made since `before` was taken. */
export function findNewTransfer(
  before: StandInTransfer[],
  only?: { creditTo: StandInTransfer },
): StandInTransfer {
  const created = listNewTransfers(before, only)
  if (created.length !== 1) throw new Error(`expected one new transfer, found ${created.length}`)

  return created[0] as StandInTransfer
}

/**
 * Transfers made since `before` was taken; with `creditTo`, only credits to the account that
 * transfer moved money from, so other stories' notes maturing the same day do not count.
 */
export function listNewTransfers(
  before: StandInTransfer[],
  only?: { creditTo: StandInTransfer },
): StandInTransfer[] {
  const known = new Set(before.map((transfer) => transfer.id))
  return listStandInTransfers().filter(
    (transfer) =>
      !known.has(transfer.id) &&
      (!only || (transfer.type === 'credit' && transfer.account_id === only.creditTo.account_id)),
  )
}

/**
 * Plaid's sandbox way to move a transfer on (`posted`, `settled`, …), with the
 * TRANSFER_EVENTS_UPDATE webhook sent to the API as Plaid would.
 */
export async function simulateTransfer(
  transfer: StandInTransfer,
  eventType: string,
  failureCode?: string,
) {
  const response = await fetch(new URL('/sandbox/transfer/simulate', e2eUrls.plaid), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'PLAID-CLIENT-ID': 'e2e-stories',
      'PLAID-SECRET': 'e2e-stories',
    },
    body: JSON.stringify({
      transfer_id: transfer.id,
      event_type: eventType,
      ...(failureCode ? { failure_reason: { failure_code: failureCode } } : {}),
      webhook: `${e2eUrls.api}/webhooks/plaid`,
    }),
  })
  if (!response.ok) throw new Error(`transfer simulate answered ${response.status}`)
}
