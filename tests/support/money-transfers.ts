import { formatDecimalAmount } from '@tenor/api/purchases/funding'
import { undoneStates } from '@tenor/db/domain'
import type { Transfer } from 'plaid'
import type { MoneySnapshot, PayoutRow, PurchaseRow } from './money-snapshot.ts'

/** What a debit's status at Plaid says about its purchase. */
const purchaseStatesFor: Record<string, readonly string[]> = {
  pending: ['pending'],
  posted: ['processing'],
  settled: ['active', 'matured', 'paid'],
  funds_available: ['active', 'matured', 'paid'],
  failed: ['failed'],
  cancelled: ['cancelled'],
  returned: ['returned'],
}

/** What the status of the credit a payout holds says about the payout. */
const payoutStateFor: Record<string, string> = {
  pending: 'pending',
  posted: 'posted',
  settled: 'settled',
  returned: 'returned',
  failed: 'failed',
  cancelled: 'failed',
}

/** A credit that failed moved no money; the payout is sent again under a new one. */
export const deadCredit = ['failed', 'cancelled']
const isUndone = (state: string) => (undoneStates as readonly string[]).includes(state)

export interface TransferFindings {
  problems: string[]
  /** Returns on notes already matured: left to a person by design (0004), listed for them. */
  forReview: string[]
}

/**
 * Every transfer the stand-in holds is matched by exactly one purchase or payout, in the state
 * its status implies, with exactly the ledger transactions its outcome requires; and the
 * reverse: every payout and every ledger transaction that records ACH money names a transfer
 * that exists. Every Plaid event is stored and applied.
 */
export function findTransferProblems(snapshot: MoneySnapshot): TransferFindings {
  const findings: TransferFindings = { problems: [], forReview: [] }
  const purchaseById = new Map(snapshot.purchases.map((p) => [p.id, p]))
  const payoutById = new Map(snapshot.payouts.map((p) => [p.id, p]))

  for (const transfer of snapshot.transfers) {
    const purchase = purchaseById.get(transfer.metadata?.purchase_id ?? '')
    if (!purchase) {
      findings.problems.push(`transfer ${transfer.id} names no purchase`)
    } else if (transfer.type === 'debit') {
      checkDebit(snapshot, findings, transfer, purchase)
    } else {
      const payout = payoutById.get(transfer.metadata?.payout_id ?? '')
      if (payout?.purchaseId !== purchase.id) {
        findings.problems.push(`credit ${transfer.id} names no payout of purchase ${purchase.id}`)
      } else {
        checkCredit(findings, transfer, payout)
      }
    }
  }
  for (const payout of snapshot.payouts) checkPayout(snapshot, findings.problems, payout)
  checkPostings(snapshot, findings.problems)
  checkEvents(snapshot, findings.problems)

  return findings
}

function checkDebit(
  snapshot: MoneySnapshot,
  findings: TransferFindings,
  transfer: Transfer,
  purchase: PurchaseRow,
): void {
  const problems = findings.problems
  const named = `debit ${transfer.id} (${transfer.status}) of purchase ${purchase.id} (${purchase.state})`
  if (purchase.transferId !== transfer.id) problems.push(`${named} is not the purchase's transfer`)
  if (purchase.authorizationId !== transfer.authorization_id) {
    problems.push(`${named} came from another authorization`)
  }
  if (transfer.amount !== formatDecimalAmount(purchase.amountCents)) {
    problems.push(`${named} is for ${transfer.amount}`)
  }

  const returnedAfterMaturity =
    transfer.status === 'returned' && ['matured', 'paid'].includes(purchase.state)
  if (returnedAfterMaturity) findings.forReview.push(`${named}: returned after maturity`)
  else if (!purchaseStatesFor[transfer.status]?.includes(purchase.state)) {
    problems.push(`${named}: the states disagree`)
  }

  const settled = snapshot.historyOf(transfer.id).some((event) => event.event_type === 'settled')
  const postings = (kind: string) => snapshot.postingsOf(purchase.id, kind)
  if (postings('purchase_reserved') !== 1)
    problems.push(`${named}: reserved ${postings('purchase_reserved')} times`)
  if (postings('purchase_settled') !== (settled ? 1 : 0)) {
    problems.push(`${named}: settlement posted ${postings('purchase_settled')} times`)
  }
  if (postings('purchase_reversed') !== (isUndone(purchase.state) ? 1 : 0)) {
    problems.push(`${named}: reversal posted ${postings('purchase_reversed')} times`)
  }
}

function checkCredit(findings: TransferFindings, transfer: Transfer, payout: PayoutRow): void {
  const named = `credit ${transfer.id} (${transfer.status}) of payout ${payout.id} (${payout.state})`
  if (transfer.amount !== formatDecimalAmount(payout.amountCents)) {
    findings.problems.push(`${named} is for ${transfer.amount}`)
  }
  if (payout.transferId === transfer.id) {
    // Held money cancelled (its note's debit came back) keeps the credit that came back.
    const heldThenCancelled =
      payout.state === 'cancelled' && [...deadCredit, 'returned'].includes(transfer.status)
    if (payoutStateFor[transfer.status] !== payout.state && !heldThenCancelled) {
      findings.problems.push(`${named}: the states disagree`)
    }
  } else if (!deadCredit.includes(transfer.status)) {
    // A credit the payout no longer holds must have failed; otherwise money went out twice.
    findings.problems.push(`${named} is live but not the payout's transfer`)
  }
}

/** A payout against the credit it holds and the ledger transactions its state requires. */
function checkPayout(snapshot: MoneySnapshot, problems: string[], payout: PayoutRow): void {
  const named = `payout ${payout.id} (${payout.state}) of purchase ${payout.purchaseId}`
  const postings = (kind: string) => snapshot.postingsOf(payout.purchaseId, kind)
  const credits = snapshot.transfers.filter(
    (t) => t.type === 'credit' && t.metadata?.payout_id === payout.id,
  )
  const held = credits.find((t) => t.id === payout.transferId)
  if (payout.transferId !== null && !held) {
    problems.push(`${named} holds transfer ${payout.transferId}, which Plaid does not have`)
  }
  const settled = held
    ? snapshot.historyOf(held.id).some((event) => event.event_type === 'settled')
    : false
  if (postings('payout_settled') !== (settled ? 1 : 0)) {
    problems.push(`${named}: payout_settled posted ${postings('payout_settled')} times`)
  }
  const heldForInvestor = ['returned', 'failed'].includes(payout.state)
  if (payout.state === 'cancelled') {
    // Cancelled unsent, or once held for the investor: only the note's own returned debit does it.
    if (postings('payout_returned') > 1) {
      problems.push(`${named}: payout_returned posted ${postings('payout_returned')} times`)
    }
    const note = snapshot.purchases.find((p) => p.id === payout.purchaseId)
    const debitReturned = snapshot
      .historyOf(note?.transferId ?? '')
      .some((event) => event.event_type === 'returned')
    if (note?.state !== 'returned' || !debitReturned) {
      problems.push(`${named} was cancelled, but its note's debit did not come back`)
    }
    if (held && ![...deadCredit, 'returned'].includes(held.status)) {
      problems.push(`${named} was cancelled with a live credit`)
    }
  } else if (postings('payout_returned') !== (heldForInvestor ? 1 : 0)) {
    problems.push(`${named}: payout_returned posted ${postings('payout_returned')} times`)
  }
  if (postings('payout_sent') + postings('rollover') !== 1) {
    problems.push(`${named}: the note's proceeds were not posted once`)
  }
  if (payout.state === 'failed' && payout.failureCode !== 'ACCOUNT_UNUSABLE') {
    const failed = credits.filter((t) => deadCredit.includes(t.status)).length
    if (failed < 3) problems.push(`${named} given up after ${failed} failed credits`)
  }
  if (payout.state !== 'initiated') return

  // A payout is withheld, before any authorization, when the money that paid for its note is in
  // doubt; any other payout still initiated after quiescence was forgotten. One withheld after an
  // earlier credit failed or came back (and it was to be sent again) has only such credits.
  const withheld = payout.authorizationId === null && isFundingInDoubt(snapshot, payout.purchaseId)
  if (!withheld) problems.push(`${named} was never sent`)
  const live = credits.filter((t) => ![...deadCredit, 'returned'].includes(t.status))
  if (withheld && live.length > 0) problems.push(`${named} is withheld but has a live credit`)
}

const unauthorizedReturns = ['R05', 'R07', 'R10', 'R29']

/**
 * Worked out from Plaid's side: the debit of the note, or of a note it rolled over from, came
 * back (never released), or a debit from one of their accounts came back as unauthorized, unless
 * two administrators released its payout after a review and no return of the investor's
 * transfers was stored since.
 */
function isFundingInDoubt(snapshot: MoneySnapshot, purchaseId: string): boolean {
  const chain: PurchaseRow[] = []
  for (let id: string | null = purchaseId; id !== null; ) {
    const note = snapshot.purchases.find((p) => p.id === id)
    if (!note) break
    chain.push(note)
    id = note.rolledFromPurchaseId
  }
  const returnOf = (note: PurchaseRow) =>
    snapshot.historyOf(note.transferId ?? '').find((event) => event.event_type === 'returned')
  if (chain.some(returnOf)) return true

  const codeOf = (note: PurchaseRow) => {
    const reason = returnOf(note)?.failure_reason
    return (reason?.failure_code || reason?.ach_return_code || '').trim().toUpperCase()
  }
  const accounts = new Set(chain.map((note) => note.bankAccountId))
  const disputed = snapshot.purchases.some(
    (note) => accounts.has(note.bankAccountId) && unauthorizedReturns.includes(codeOf(note)),
  )
  const payout = snapshot.payouts.find((p) => p.purchaseId === purchaseId)
  const through = payout?.reviewReleasedThroughEventId
  if (!disputed || !payout || through === null || through === undefined) return disputed
  return wasReturnStoredSince(snapshot, payout.userId, through)
}

/** Whether a return of any of the investor's transfers was stored after event `through`. */
function wasReturnStoredSince(snapshot: MoneySnapshot, userId: string, through: number): boolean {
  const theirs = new Set(
    [...snapshot.purchases, ...snapshot.payouts]
      .filter((row) => row.userId === userId)
      .map((row) => row.transferId),
  )
  return snapshot.storedEvents.some(
    (event) =>
      event.eventType === 'returned' && theirs.has(event.transferId) && event.eventId > through,
  )
}

/**
 * The reverse direction: every ledger transaction that records ACH money names a purchase, and
 * the transfer (or payout) its kind says moved the money exists, in a state that says so.
 */
function checkPostings(snapshot: MoneySnapshot, problems: string[]): void {
  const purchaseById = new Map(snapshot.purchases.map((p) => [p.id, p]))
  const transferById = new Map(snapshot.transfers.map((t) => [t.id, t]))
  const settled = (transferId: string | null | undefined) =>
    transferById.has(transferId ?? '') &&
    snapshot.historyOf(transferId ?? '').some((event) => event.event_type === 'settled')

  for (const posting of snapshot.postings) {
    if (posting.kind === 'offering_opened') continue
    const named = `${posting.kind} ${posting.idempotencyKey}`
    const purchase = purchaseById.get(posting.purchaseId ?? '')
    if (!purchase) {
      problems.push(`${named} names no purchase`)
      continue
    }
    const payout = snapshot.payouts.find((p) => p.purchaseId === purchase.id)
    const found = isBacked(posting.kind, purchase, payout, settled)
    if (!found) problems.push(`${named} has no transfer or payout behind it`)
  }
}

function isBacked(
  kind: string,
  purchase: PurchaseRow,
  payout: PayoutRow | undefined,
  settled: (transferId: string | null | undefined) => boolean,
): boolean {
  switch (kind) {
    case 'purchase_settled':
      return settled(purchase.transferId)
    case 'payout_sent':
      return payout !== undefined
    case 'payout_settled':
      return settled(payout?.transferId)
    case 'payout_returned':
      return ['returned', 'failed', 'cancelled'].includes(payout?.state ?? '')
    case 'correction':
      // Nothing in the workload corrects the books by hand.
      return false
    default:
      return true
  }
}

/** Every event Plaid recorded is stored once, and every stored event was applied. */
function checkEvents(snapshot: MoneySnapshot, problems: string[]): void {
  const stored = new Map(snapshot.storedEvents.map((event) => [event.eventId, event]))
  for (const transfer of snapshot.transfers) {
    for (const event of snapshot.historyOf(transfer.id)) {
      const row = stored.get(event.event_id)
      if (!row) problems.push(`event ${event.event_id} (${event.event_type}) was never stored`)
      else if (row.appliedAt === null) {
        problems.push(`event ${event.event_id} (${event.event_type}) was never applied`)
      }
    }
  }
}
