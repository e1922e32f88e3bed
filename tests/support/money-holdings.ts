import { termsOf } from '@tenor/api/purchases/views'
import {
  calculateInterest,
  calculateMaturityDate,
  compareDates,
  toCalendarDate,
} from '@tenor/db/domain'
import type { MoneySnapshot, PurchaseRow } from './money-snapshot.ts'
import { deadCredit } from './money-transfers.ts'

/**
 * Each purchase on its own: a transfer Plaid has (or, if it never got one, none at all), a
 * history that is one chain of moves entering each state once, and, once matured, one payout or
 * one rollover for exactly what the note earned at the rate it was sold at, never more than one
 * credit, never interest beyond its term.
 */
export function findHoldingProblems(snapshot: MoneySnapshot, rates: NoteRates): string[] {
  const problems: string[] = []
  for (const purchase of snapshot.purchases) checkPurchase(snapshot, problems, purchase)
  for (const purchase of snapshot.purchases) checkPaidOnce(snapshot, problems, purchase, rates)

  return problems
}

/** The rates a note may have been sold at, from the workload's own record of rate changes. */
export interface NoteRates {
  soldAt(note: PurchaseRow): number[]
}

/** One purchase against its transfer, its moves, its payout and its ledger transactions. */
function checkPurchase(snapshot: MoneySnapshot, problems: string[], purchase: PurchaseRow): void {
  const named = `purchase ${purchase.id} (${purchase.state})`
  const postings = (kind: string) => snapshot.postingsOf(purchase.id, kind)
  if (purchase.state === 'initiated') problems.push(`${named} is still initiated`)

  const debits = snapshot.transfers.filter(
    (t) => t.type === 'debit' && t.metadata?.purchase_id === purchase.id,
  )
  if (debits.length > 1) problems.push(`${named} has ${debits.length} debits at Plaid`)
  if (purchase.transferId !== null && debits[0]?.id !== purchase.transferId) {
    problems.push(`${named} holds transfer ${purchase.transferId}, which Plaid does not have`)
  }
  if (purchase.transferId === null && purchase.rolledFromPurchaseId === null) {
    // Never sent: only a refused or declined purchase, with its reservation undone.
    if (purchase.state !== 'failed') problems.push(`${named} has no transfer`)
    if (debits.length > 0) problems.push(`${named} has a debit at Plaid it does not know`)
    if (postings('purchase_settled') > 0) problems.push(`${named} settled with no transfer`)
    if (postings('purchase_reversed') !== 1) problems.push(`${named}: reversal missing`)
  }
  if (purchase.rolledFromPurchaseId !== null) {
    for (const kind of ['purchase_reserved', 'purchase_settled', 'purchase_reversed']) {
      if (postings(kind) > 0) problems.push(`${named}, a rolled note, has ${kind}`)
    }
  }

  // The history is one chain that ends in the purchase's state (ids sort by creation), and
  // each state is entered at most once; a refund marks an active note again as active.
  const history = orderHistory(snapshot.moves.filter((m) => m.purchaseId === purchase.id))
  let state: string | null = null
  for (const move of history) {
    if (move.fromState !== state) {
      problems.push(
        `${named}: its history moves ${move.fromState} → ${move.toState} after ${state}`,
      )
    }
    state = move.toState
  }
  if (state !== purchase.state) problems.push(`${named}: its history ends in ${state}`)
  const entries = history.filter((m) => !(m.fromState === 'active' && m.toState === 'active'))
  for (const entered of new Set(entries.map((m) => m.toState))) {
    const times = entries.filter((m) => m.toState === entered).length
    if (times > 1) problems.push(`${named} entered ${entered} ${times} times`)
  }
}

type Move = MoneySnapshot['moves'][number]

/**
 * A purchase's moves in the order they were made. Ids are UUIDv7, ordered by the millisecond
 * and, within one process, by a counter; two processes (the API and a worker) can write in the
 * same millisecond, so within one the chain itself decides.
 */
function orderHistory(moves: Move[]): Move[] {
  const sorted = moves.toSorted((a, b) => a.id.localeCompare(b.id))
  const ordered: Move[] = []
  let state: string | null = null
  while (sorted.length > 0) {
    const millisecond = sorted[0]?.id.slice(0, 13) ?? ''
    const chained = sorted.findIndex((m) => m.id.startsWith(millisecond) && m.fromState === state)
    const [move] = sorted.splice(Math.max(chained, 0), 1) as [Move]
    ordered.push(move)
    state = move.toState
  }

  return ordered
}

/**
 * Each holding is paid at most once, by one credit or one rollover, for what it earned: its
 * principal and the interest at the rate it was sold at, to its maturity date.
 */
function checkPaidOnce(
  snapshot: MoneySnapshot,
  problems: string[],
  purchase: PurchaseRow,
  rates: NoteRates,
): void {
  const named = `purchase ${purchase.id} (${purchase.state})`
  const payouts = snapshot.payouts.filter((p) => p.purchaseId === purchase.id)
  const rolled = snapshot.purchases.filter((p) => p.rolledFromPurchaseId === purchase.id)
  const credits = snapshot.transfers.filter(
    (t) => t.type === 'credit' && t.metadata?.purchase_id === purchase.id,
  )
  const live = credits.filter((t) => !deadCredit.includes(t.status))
  if (live.length > 1) problems.push(`${named} has ${live.length} live credits at Plaid`)
  if (rolled.length > 1) problems.push(`${named} rolled over ${rolled.length} times`)
  for (const kind of ['maturity_accrual', 'payout_sent', 'payout_settled', 'rollover']) {
    const times = snapshot.postingsOf(purchase.id, kind)
    if (times > 1) problems.push(`${named}: ${kind} posted ${times} times`)
  }

  // Its debit came back after it matured and two administrators cancelled its payout: nothing
  // more is owed on it (`checkPayout` follows the payout).
  if (payouts.some((p) => p.state === 'cancelled')) return
  const matured = ['matured', 'paid'].includes(purchase.state)
  if (!matured) {
    if (payouts.length + rolled.length + credits.length > 0) {
      problems.push(`${named} was paid before it matured`)
    }
    return
  }
  if (payouts.length === 0 && !(purchase.state === 'paid' && rolled.length === 1)) {
    problems.push(`${named} has neither a payout nor a rollover for all of it`)
  }
  const settledPayout = payouts.some((p) => p.settledAt !== null)
  if ((purchase.state === 'paid') !== (settledPayout || payouts.length === 0)) {
    problems.push(`${named} disagrees with its payout (${payouts.map((p) => p.state)})`)
  }

  const offering = snapshot.offerings.find((o) => o.id === purchase.offeringId)
  if (!offering || !purchase.settledOn || !purchase.maturityDate) {
    problems.push(`${named} matured without its terms`)
    return
  }
  // A refund may bring maturity forward, never past the end of the note's term: interest
  // stops at the term's end, however late the note is repaid.
  const settledOn = toCalendarDate(purchase.settledOn)
  const termEnds = calculateMaturityDate(settledOn, offering.termMonths)
  const maturityDate = toCalendarDate(purchase.maturityDate)
  const beyondTerm = compareDates(maturityDate, termEnds) > 0
  if (beyondTerm) {
    problems.push(`${named} matured on ${maturityDate}, after its term ended on ${termEnds}`)
  }
  const earnedAt = (rateBps: number) =>
    purchase.amountCents +
    calculateInterest({
      ...termsOf(offering),
      rateBps,
      principalCents: purchase.amountCents,
      startDate: settledOn,
      maturityDate: beyondTerm ? termEnds : maturityDate,
    })
  // The note keeps the rate it was sold at; a later change on the offering must not touch it.
  if (!rates.soldAt(purchase).includes(purchase.rateBps)) {
    problems.push(`${named} keeps ${purchase.rateBps} bps, not the rate it was sold at`)
  }
  const paid =
    payouts.reduce((total, p) => total + p.amountCents, 0) + (rolled[0]?.amountCents ?? 0)
  if (paid !== earnedAt(purchase.rateBps)) {
    problems.push(`${named} earned ${earnedAt(purchase.rateBps)} but was given ${paid}`)
  }
}
