import { findFundingInDoubt } from '@tenor/api/purchases/funding-in-doubt'
import { bankAccounts, purchases, transferSyncCursor } from '@tenor/db/schema'
import { and, eq, inArray } from 'drizzle-orm'
import { askAndApprove } from './fault-admin.ts'
import {
  readTheBooks,
  reconcile,
  runMaturitiesInProcess,
  runWorkerProcess,
} from './fault-background.ts'
import { simulateTransferEvents } from './fault-transfer-events.ts'
import { type RequiredKind, tally, type Workload, wants } from './fault-workload.ts'
import { type Buyer, buy, type PurchaseBody } from './purchases.ts'
import { readStandInTransfers } from './standin-transfers.ts'

export interface Action {
  name: string
  weight: number
  /** Required kinds of work it can do; while one is missing, it is picked more often. */
  covers: RequiredKind[]
  run(w: Workload): Promise<void>
}

// The calls that move money or learn of it, the busiest likeliest.
const faultPaths = [
  { item: '/transfer/authorization/create', weight: 3 },
  { item: '/transfer/create', weight: 3 },
  { item: '/transfer/event/sync', weight: 2 },
  { item: '/transfer/get', weight: 1 },
  { item: '/transfer/cancel', weight: 1 },
]
const faultModes = ['error500', 'lost_reply', 'timeout', 'rate_limited'] as const

// Mostly ordinary amounts; now and then one of Plaid's Sandbox magic amounts, which move on
// their own: $11.11 settles at once, $22.22 fails, $33.33 comes back R01 and $66.66 comes back
// R10 after settling.
const amounts = [
  { item: 50_000, weight: 2 },
  { item: 120_000, weight: 2 },
  { item: 75_000, weight: 2 },
  { item: 250_000, weight: 1 },
  { item: 30_000, weight: 1 },
  { item: 1_111, weight: 2 },
  { item: 2_222, weight: 0.5 },
  { item: 3_333, weight: 0.4 },
  { item: 6_666, weight: 0.2 },
]

/** The workload's moves, each as likely as its weight. */
const actions: Action[] = [
  {
    name: 'buy',
    weight: 8,
    covers: ['purchase', 'cancellation', 'debit failed', 'debit returned'],
    run: buyNote,
  },
  {
    name: 'fault',
    weight: 5,
    covers: [
      'fault fired: error500',
      'fault fired: timeout',
      'fault fired: lost_reply',
      'event before its transfer was recorded',
    ],
    run: injectFault,
  },
  {
    name: 'transfer events',
    weight: 10,
    covers: [
      'debit posted',
      'debit settled',
      'debit failed',
      'debit returned',
      'payout settled',
      'payout returned',
      'event before its transfer was recorded',
    ],
    run: simulateTransferEvents,
  },
  { name: 'sync', weight: 2, covers: [], run: syncTwice },
  { name: 'deliver again', weight: 1, covers: ['events delivered again'], run: deliverEventsAgain },
  { name: 'cancel', weight: 3, covers: ['cancellation'], run: cancelPending },
  {
    name: 'buy, then cancel',
    weight: 1,
    covers: ['purchase', 'cancellation'],
    run: buyThenCancel,
  },
  {
    name: 'refund',
    weight: 2.5,
    covers: ['refund', 'matured', 'payout settled', 'payout returned'],
    run: refundPurchase,
  },
  { name: 'release', weight: 1, covers: [], run: releaseWithheldPayout },
  { name: 'cancel a payout', weight: 1, covers: [], run: cancelWithheldPayout },
  { name: 'instruction', weight: 1.5, covers: [], run: changeInstruction },
  { name: 'cancel an offering', weight: 0.5, covers: [], run: cancelOffering },
  {
    name: 'maturities',
    weight: 1.5,
    covers: ['matured', 'payout settled', 'payout returned'],
    run: runMaturitiesInProcess,
  },
  {
    name: 'worker',
    weight: 3,
    covers: ['worker killed', 'matured', 'payout settled', 'payout returned'],
    run: runWorkerProcess,
  },
  { name: 'reconcile', weight: 1, covers: [], run: reconcile },
  { name: 'read the books', weight: 1, covers: [], run: readTheBooks },
]

/**
 * The next action, by weight; twice as likely while it can lead to work not done yet. When
 * seeking, mostly such actions are picked; the others still run now and then, since a fault
 * fires only when something calls Plaid.
 */
export function pickAction(w: Workload, seeking = false): Action {
  const leads = (action: Action) => action.covers.some((kind) => wants(w, kind))
  const useful = actions.filter(leads)
  const choices = seeking && useful.length > 0 && w.choose.chance(0.75) ? useful : actions

  return w.choose.weighted(
    choices.map((action) => ({ item: action, weight: action.weight * (leads(action) ? 2 : 1) })),
  )
}

/** POST /purchases from one of the buyer's banks that can still fund, sometimes a key again. */
async function buyNote(w: Workload): Promise<void> {
  await placeOrder(w)
}

/** An investor who changes their mind at once: a purchase, then its cancellation. */
async function buyThenCancel(w: Workload): Promise<void> {
  const order = await placeOrder(w)
  if (order?.status === 201) await cancel(w, order.buyer, order.purchaseId)
}

async function placeOrder(
  w: Workload,
): Promise<{ status: number; buyer: Buyer; purchaseId: string } | null> {
  const index = w.choose.between(0, w.buyers.length - 1)
  const buyer = w.buyers[index]
  if (!buyer) return null
  const banks = await w.t.db.database.db
    .select({ id: bankAccounts.id })
    .from(bankAccounts)
    .where(
      and(
        eq(bankAccounts.userId, buyer.userId),
        eq(bankAccounts.status, 'active'),
        inArray(bankAccounts.subtype, ['checking', 'savings']),
      ),
    )
  if (banks.length === 0) {
    tally(w, 'buy: no bank left')
    return null
  }

  const offerings = [
    { item: w.series.id, weight: 6 },
    { item: w.target.id, weight: 2 },
    ...(w.performed.has('offering cancelled') ? [] : [{ item: w.doomed.id, weight: 2 }]),
  ]
  const reused = w.choose.chance(0.25)
  const res = await buy(
    w.t,
    { token: buyer.token, bankAccountId: w.choose.pick(banks).id },
    {
      offeringId: w.choose.weighted(offerings),
      amountCents: w.choose.weighted(amounts),
      key: reused ? `key-${index}-${w.choose.between(0, 3)}` : undefined,
    },
  )
  const replayed = res.headers.get('idempotent-replayed') === 'true'
  tally(w, `buy: ${res.status}${replayed ? ' replayed' : ''}`)
  if (res.status !== 201 && res.status !== 202) return null

  tally(w, 'purchase')
  const { purchase } = (await res.json()) as PurchaseBody

  return { status: res.status, buyer, purchaseId: purchase.id }
}

/**
 * Trouble on the next call or two to a Plaid path, a kind that has not fired yet likelier;
 * lost replies on `/transfer/create` most of all, since they leave a transfer at Plaid that we
 * have not recorded.
 */
async function injectFault(w: Workload): Promise<void> {
  const lostTransfer = w.choose.chance(
    wants(w, 'event before its transfer was recorded') ? 0.8 : 0.25,
  )
  const mode = lostTransfer
    ? 'lost_reply'
    : w.choose.weighted(
        faultModes.map((item) => ({
          item,
          weight: item !== 'rate_limited' && wants(w, `fault fired: ${item}`) ? 4 : 1,
        })),
      )
  w.t.plaid.injectFault({
    path: lostTransfer ? '/transfer/create' : w.choose.weighted(faultPaths),
    mode,
    // Three in a row outlast the client's retries, so the purchase is left to reconciliation.
    times: lostTransfer ? 3 : w.choose.between(1, 2),
    delayMs: w.choose.between(20, 150),
  })
  tally(w, `fault injected: ${mode}`)
}

/** Two syncs at once: one runs, the other queues a run after it. */
async function syncTwice(w: Workload): Promise<void> {
  const results = await Promise.allSettled([w.t.deps.syncTransfers(), w.t.deps.syncTransfers()])
  tally(w, 'sync', results.filter((result) => result.status === 'fulfilled').length)
}

/**
 * Plaid's event feed is read at least once: a cursor saved late (a restore, a crash between
 * Plaid's answer and our commit) reads events again. Moving the cursor back does the same.
 */
async function deliverEventsAgain(w: Workload): Promise<void> {
  const db = w.t.db.database.db
  const cursor = await db.query.transferSyncCursor.findFirst()
  if (!cursor || cursor.lastEventId === 0) return
  const back = Math.max(0, cursor.lastEventId - w.choose.between(1, 25))
  await db.update(transferSyncCursor).set({ lastEventId: back }).where(eq(transferSyncCursor.id, 1))
  const synced = await w.t.deps.syncTransfers().catch(() => null)
  if (synced) tally(w, 'events delivered again', cursor.lastEventId - back)
}

/** The owner cancels a pending purchase, mostly one whose debit Plaid has not sent yet. */
async function cancelPending(w: Workload): Promise<void> {
  const pending = await w.t.db.database.db
    .select()
    .from(purchases)
    .where(eq(purchases.state, 'pending'))
  const unsent = new Set(
    readStandInTransfers(w.t)
      .transfers.filter((transfer) => transfer.status === 'pending')
      .map((transfer) => transfer.id),
  )
  const cancellable = pending.filter((p) => p.transferId && unsent.has(p.transferId))
  const candidates = cancellable.length > 0 && w.choose.chance(0.8) ? cancellable : pending
  if (candidates.length === 0) return
  const target = w.choose.pick(candidates)
  const owner = w.buyers.find((buyer) => buyer.userId === target.userId)
  if (owner) await cancel(w, owner, target.id)
}

async function cancel(w: Workload, owner: Buyer, purchaseId: string): Promise<void> {
  const res = await w.t.request(`/purchases/${purchaseId}/cancel`, {
    json: {},
    token: owner.token,
  })
  tally(w, `cancel: ${res.status}`)
  if (res.status === 200) tally(w, 'cancellation')
}

/** One administrator asks to refund a pending or active purchase, the other approves. */
async function refundPurchase(w: Workload): Promise<void> {
  const candidates = await w.t.db.database.db
    .select()
    .from(purchases)
    .where(inArray(purchases.state, ['pending', 'active']))
  if (candidates.length === 0) return
  const target = w.choose.pick(candidates)
  const { asked, result } = await askAndApprove(w, `/admin/purchases/${target.id}/refund`, {
    reason: 'The investor asked for the money back.',
  })
  tally(w, `refund asked: ${asked}`)
  if (result === null) return
  tally(w, `refund: ${result.replace(/^not applied: .*/, 'not applied').replace(/, [\d-]+$/, '')}`)
  if (!result.startsWith('not applied') && !result.startsWith('approval')) tally(w, 'refund')
}

/**
 * Someone has looked at a payout withheld for review and, with a second administrator, lets it
 * go: mostly one withheld now, sometimes any matured note (refused, as nothing is withheld).
 */
async function releaseWithheldPayout(w: Workload): Promise<void> {
  const matured = await w.t.db.database.db
    .select({ id: purchases.id })
    .from(purchases)
    .where(eq(purchases.state, 'matured'))
  if (matured.length === 0) return
  const withheld = await findFundingInDoubt(
    w.t.db.database.db,
    matured.map((note) => note.id),
  )
  const pool = withheld.size > 0 && w.choose.chance(0.8) ? [...withheld] : matured.map((n) => n.id)
  const target = w.choose.pick(pool)
  // Asked from the purchase's page, on what it showed.
  const page = await w.t.request(`/admin/purchases/${target}`, { token: w.admins[0].token })
  const { reviewSeenThroughEventId } = (await page.json()) as {
    reviewSeenThroughEventId?: number | null
  }
  const { asked, result } = await askAndApprove(w, `/admin/purchases/${target}/payment/release`, {
    reason: 'The investor showed their bank confirmed the debits as theirs.',
    seenThroughEventId: reviewSeenThroughEventId ?? 0,
  })
  tally(w, `release asked: ${asked}`)
  if (result?.startsWith('payout released')) tally(w, 'payout released')
}

/**
 * A note's own debit came back after it matured: two administrators cancel its withheld payout.
 * Mostly one withheld now, sometimes any matured note (refused unless its debit came back).
 */
async function cancelWithheldPayout(w: Workload): Promise<void> {
  const ended = await w.t.db.database.db
    .select({ id: purchases.id })
    .from(purchases)
    .where(inArray(purchases.state, ['matured', 'paid']))
  if (ended.length === 0) return
  const withheld = await findFundingInDoubt(
    w.t.db.database.db,
    ended.map((note) => note.id),
  )
  const pool = withheld.size > 0 && w.choose.chance(0.8) ? [...withheld] : ended.map((n) => n.id)
  const { asked, result } = await askAndApprove(
    w,
    `/admin/purchases/${w.choose.pick(pool)}/payment/cancel`,
    { reason: 'The bank took the debit that paid for the note back.' },
  )
  tally(w, `payout cancel asked: ${asked}`)
  if (result?.startsWith('payout cancelled')) tally(w, 'payout cancelled')
}

/**
 * Series C did not fund: cancelling it (once, with a second administrator's approval) cancels its
 * pending debits and repays its notes; debits that settle later are repaid by the worker.
 */
async function cancelOffering(w: Workload): Promise<void> {
  if (w.performed.has('offering cancelled')) return
  const { asked, result } = await askAndApprove(w, `/admin/offerings/${w.doomed.id}/cancel`, {
    reason: 'The series did not fund.',
  })
  tally(
    w,
    result?.startsWith('offering cancelled') ? 'offering cancelled' : `cancel offering: ${asked}`,
  )
}

/** The owner of a holding chooses what happens at maturity: a payout or a rollover. */
async function changeInstruction(w: Workload): Promise<void> {
  const holdings = await w.t.db.database.db
    .select()
    .from(purchases)
    .where(inArray(purchases.state, ['pending', 'processing', 'active']))
  if (holdings.length === 0) return
  const target = w.choose.pick(holdings)
  const owner = w.buyers.find((buyer) => buyer.userId === target.userId)
  const instruction = w.choose.pick(['payout', 'rollover_all', 'rollover_principal'] as const)
  const into = w.choose.chance(0.8) ? w.target : w.series
  const res = await w.t.request(`/purchases/${target.id}/instruction`, {
    method: 'PUT',
    json: {
      instruction,
      ...(instruction === 'payout' ? {} : { rolloverOfferingSlug: into.slug }),
    },
    token: owner?.token ?? '',
  })
  tally(w, `instruction: ${res.status}`)
}
