import { type SQL, sql } from 'drizzle-orm'
import type { LedgerReader } from './ledger.ts'
import type { LedgerViolation } from './ledger-check.ts'
import { type PurchaseState, undoneStates } from './purchase-states.ts'

/*
 * The rows against the ledger: each offering's reservation, each purchase's state and each
 * payout's state must agree with what the ledger posted for them. Every query is one statement,
 * so it reads one consistent moment even while other processes write; rows are read a page at
 * a time, so memory stays flat however many there are. Postings that name no row are not
 * looked for here.
 */

const pageSize = 1000

const undone: readonly string[] = undoneStates
// A note owes its principal from the purchase until it matures or is undone.
const owing: readonly string[] = ['initiated', 'pending', 'processing', 'active']
const inTransit: readonly string[] = ['initiated', 'pending', 'processing']
const unpaidPayout: readonly string[] = ['initiated', 'pending', 'posted']

/** Whether a ledger transaction with this idempotency key exists, as 0 or 1. */
const posted = (key: SQL) =>
  sql`exists (select 1 from ledger_transactions t where t.idempotency_key = ${key})`

/** An account's balance in its credit direction: every account checked here is credit-normal. */
const creditBalance = (code: SQL) => sql`coalesce((select sum(e.credit_cents) - sum(e.debit_cents)
  from ledger_entries e join ledger_accounts a on a.id = e.account_id where a.code = ${code}), 0)`

/** Reads every row of a keyset-paged query, handing each page to `check`. */
async function eachPage<T extends { id: string }>(
  read: (after: string) => Promise<T[]>,
  check: (rows: T[]) => void,
): Promise<void> {
  for (let after = ''; ; ) {
    const rows = await read(after)
    check(rows)
    const last = rows.at(-1)
    if (rows.length < pageSize || !last) return
    after = last.id
  }
}

/**
 * Each offering reserves no more than its capacity, exactly what its live purchases (any not
 * failed, cancelled or returned) add up to, and exactly what the ledger says it sold.
 */
export async function checkOfferingReservations(db: LedgerReader): Promise<LedgerViolation[]> {
  const rows = await db.all<{
    id: string
    capacityCents: number
    reservedCents: number
    heldCents: number
    soldCents: number
  }>(sql`
    select o.id, o.capacity_cents as capacityCents, o.reserved_cents as reservedCents,
      coalesce((select sum(p.amount_cents) from purchases p where p.offering_id = o.id
        and p.state not in (${sql.join(
          undone.map((state) => sql`${state}`),
          sql`, `,
        )})), 0) as heldCents,
      ${creditBalance(sql`'offering:' || o.id || ':sold'`)} as soldCents
    from offerings o`)

  const violations: LedgerViolation[] = []
  for (const o of rows) {
    const found = (rule: LedgerViolation['rule'], message: string) =>
      violations.push({ rule, ref: o.id, message: `Offering ${o.id} reserves ${message}` })
    if (o.reservedCents > o.capacityCents) {
      found('over_capacity', `${o.reservedCents} cents, above its ${o.capacityCents} capacity`)
    }
    if (o.reservedCents !== o.heldCents) {
      found('reservation_mismatch', `${o.reservedCents} cents; its live purchases ${o.heldCents}`)
    }
    if (o.reservedCents !== o.soldCents) {
      found('reservation_mismatch', `${o.reservedCents} cents; the ledger sold ${o.soldCents}`)
    }
  }

  return violations
}

/** A purchase row with what the ledger and the payouts hold for it. */
export interface PurchasePostings {
  id: string
  state: PurchaseState
  amountCents: number
  /** Bought by rolling a matured note over: no debit, no reservation posting of its own. */
  rolled: boolean
  capacityReleased: boolean
  principalCents: number
  reserved: boolean
  settled: boolean
  reversed: boolean
  /** Its maturity went out by ACH (`payout_sent`) or into a new note (`rollover`). */
  paidOut: boolean
  rolledOver: boolean
  /** The rollover posting of the note it was bought from. */
  rolledIn: boolean
  hasPayout: boolean
  payoutSettled: boolean
  /** Its payout was closed unsent: its debit came back after it matured. */
  payoutCancelled: boolean
}

/**
 * What disagrees between a purchase's state and its postings, in words; empty when they agree.
 * A note still held owes its whole principal; a debit settles once the note is active; an undone
 * purchase is reversed and gave its capacity back, and only an undone one; a matured or paid
 * note went out by ACH or into a new note, and is paid once its payout settled (or when it all
 * rolled over); one whose debit came back after it matured is returned, its payout cancelled,
 * as is every note rolled over from it.
 * Principal or interest left on an ended note is `closed_note_still_owed`'s.
 */
export function findPurchaseDisagreements(p: PurchasePostings): string[] {
  const found: string[] = []
  const isUndone = undone.includes(p.state)
  const hasMatured = p.state === 'matured' || p.state === 'paid'

  if (owing.includes(p.state) && p.principalCents !== p.amountCents) {
    found.push(`its principal stands at ${p.principalCents} cents, not its ${p.amountCents}`)
  }
  if (!p.rolled && !p.reserved) found.push('the ledger never reserved it')
  if (p.rolled && !p.rolledIn) found.push('the ledger has no rollover into it')
  if (inTransit.includes(p.state) && p.settled) found.push('the ledger settled its debit')
  if (!p.rolled && !isUndone && !inTransit.includes(p.state) && !p.settled) {
    found.push('the ledger never settled its debit')
  }
  if (isUndone !== p.reversed) {
    found.push(p.reversed ? 'the ledger reversed it' : 'the ledger never reversed it')
  }
  if (isUndone !== p.capacityReleased) {
    found.push(p.capacityReleased ? 'its capacity was released' : 'its capacity was not released')
  }
  if (hasMatured && !p.paidOut && !p.rolledOver) {
    found.push('the ledger never paid it out or rolled it over')
  }
  // Closed after it matured (its debit, or that of the note it came from, returned): a payout
  // cancelled, or all of it rolled into a note closed with it.
  const closedAfterMaturity = p.payoutCancelled || (p.rolledOver && p.state === 'returned')
  if (!hasMatured && (p.paidOut || p.rolledOver) && !closedAfterMaturity) {
    found.push('the ledger paid it out or rolled it over')
  }
  if (p.payoutCancelled && p.state !== 'returned') found.push('its payout was cancelled')
  if (p.state === 'matured' && !p.hasPayout) found.push('it has no payout')
  if (p.state === 'matured' && p.payoutSettled) found.push('the ledger settled its payout')
  if (p.state === 'paid' && !p.payoutSettled && (p.hasPayout || !p.rolledOver)) {
    found.push('the ledger never settled its payout')
  }

  return found
}

/** Every purchase's state against its postings (`findPurchaseDisagreements`). */
export async function checkPurchasePostings(db: LedgerReader): Promise<LedgerViolation[]> {
  const violations: LedgerViolation[] = []
  const key = (suffix: string) => sql`'purchase:' || p.id || ${`:${suffix}`}`
  const read = async (after: string) => {
    const rows = await db.all<Record<keyof PurchasePostings, string | number>>(sql`
      select p.id, p.state, p.amount_cents as amountCents,
        p.rolled_from_purchase_id is not null as rolled,
        p.capacity_released_at is not null as capacityReleased,
        ${creditBalance(sql`'note:' || p.id || ':principal'`)} as principalCents,
        ${posted(key('reserved'))} as reserved,
        ${posted(key('settled'))} as settled,
        ${posted(key('reversed'))} as reversed,
        ${posted(key('payout_sent'))} as paidOut,
        ${posted(key('rollover'))} as rolledOver,
        ${posted(sql`'purchase:' || p.rolled_from_purchase_id || ':rollover'`)} as rolledIn,
        exists (select 1 from payouts o where o.purchase_id = p.id) as hasPayout,
        exists (select 1 from ledger_transactions t
          where t.purchase_id = p.id and t.kind = 'payout_settled') as payoutSettled,
        exists (select 1 from payouts o where o.purchase_id = p.id and o.state = 'cancelled')
          as payoutCancelled
      from purchases p where p.id > ${after} order by p.id limit ${pageSize}`)
    return rows.map(toPurchasePostings)
  }

  await eachPage(read, (rows) => {
    for (const row of rows) {
      for (const what of findPurchaseDisagreements(row)) {
        violations.push({
          rule: 'purchase_state_mismatch',
          ref: row.id,
          message: `Purchase ${row.id} is ${row.state} but ${what}`,
        })
      }
    }
  })

  return violations
}

function toPurchasePostings(row: Record<keyof PurchasePostings, string | number>) {
  const flag = (value: string | number) => Number(value) === 1
  return {
    id: String(row.id),
    state: row.state as PurchaseState,
    amountCents: Number(row.amountCents),
    rolled: flag(row.rolled),
    capacityReleased: flag(row.capacityReleased),
    principalCents: Number(row.principalCents),
    reserved: flag(row.reserved),
    settled: flag(row.settled),
    reversed: flag(row.reversed),
    paidOut: flag(row.paidOut),
    rolledOver: flag(row.rolledOver),
    rolledIn: flag(row.rolledIn),
    hasPayout: flag(row.hasPayout),
    payoutSettled: flag(row.payoutSettled),
    payoutCancelled: flag(row.payoutCancelled),
  } satisfies PurchasePostings
}

/** A payout row with its current round's postings. */
export interface PayoutPostings {
  id: string
  state: string
  amountCents: number
  /** How many times held money was sent again; each round has postings of its own. */
  round: number
  /** What the posting that sent this round put in ACH payable; null when none did. */
  sentCents: number | null
  settled: boolean
  held: boolean
  /** Its note was reversed: only a cancelled payout's note is. */
  reversed: boolean
}

/**
 * What disagrees between a payout's state and the postings of its current round: it was sent
 * (by `payout_sent` or `rollover`, or `payout_resent:{round}`) for its amount; a credit on its
 * way has neither settled nor come back; a settled one settled and did not come back; a returned
 * one came back to the investor's held balance; a failed one is held and never settled; a
 * cancelled one was held or never settled, and its note was reversed, taking it back from
 * wherever it was.
 */
export function findPayoutDisagreements(p: PayoutPostings): string[] {
  const found: string[] = []

  if (p.sentCents === null) found.push('the ledger never sent it')
  else if (p.sentCents !== p.amountCents) found.push(`the ledger sent ${p.sentCents} cents`)
  if (unpaidPayout.includes(p.state) && p.settled) found.push('the ledger settled it')
  if ((unpaidPayout.includes(p.state) || p.state === 'settled') && p.held) {
    found.push('the ledger holds it for the investor')
  }
  if (p.state === 'settled' && !p.settled) found.push('the ledger never settled it')
  if ((p.state === 'returned' || p.state === 'failed') && !p.held) {
    found.push('the ledger never held it for the investor')
  }
  // A cancelled one may have settled only if that credit then came back to the held balance.
  if ((p.state === 'failed' || (p.state === 'cancelled' && !p.held)) && p.settled) {
    found.push('the ledger settled it')
  }
  if ((p.state === 'cancelled') !== p.reversed) {
    found.push(p.reversed ? 'the ledger reversed its note' : 'the ledger never reversed its note')
  }

  return found
}

/** Every payout's state against its postings (`findPayoutDisagreements`). */
export async function checkPayoutPostings(db: LedgerReader): Promise<LedgerViolation[]> {
  const violations: LedgerViolation[] = []
  const round = sql`case when o.resends > 0 then ':' || o.resends else '' end`
  const key = (suffix: string) => sql`'purchase:' || o.purchase_id || ${`:${suffix}`} || ${round}`
  const read = async (after: string) => {
    const rows = await db.all<{
      id: string
      state: string
      amountCents: number
      round: number
      sentCents: number | null
      settled: number
      held: number
      reversed: number
    }>(sql`
      select o.id, o.state, o.amount_cents as amountCents, o.resends as round,
        (select sum(e.credit_cents) from ledger_transactions t
          join ledger_entries e on e.transaction_id = t.id
          join ledger_accounts a on a.id = e.account_id
          where a.code = 'ach:payable_in_transit' and t.idempotency_key in (
            case when o.resends = 0 then 'purchase:' || o.purchase_id || ':payout_sent'
              else 'purchase:' || o.purchase_id || ':payout_resent:' || o.resends end,
            case when o.resends = 0 then 'purchase:' || o.purchase_id || ':rollover' end)
        ) as sentCents,
        ${posted(key('payout_settled'))} as settled,
        ${posted(key('payout_returned'))} as held,
        ${posted(sql`'purchase:' || o.purchase_id || ':reversed'`)} as reversed
      from payouts o where o.id > ${after} order by o.id limit ${pageSize}`)
    return rows.map((row) => ({
      ...row,
      settled: row.settled === 1,
      held: row.held === 1,
      reversed: row.reversed === 1,
    }))
  }

  await eachPage(read, (rows) => {
    for (const row of rows) {
      for (const what of findPayoutDisagreements(row)) {
        violations.push({
          rule: 'payout_state_mismatch',
          ref: row.id,
          message: `Payout ${row.id} (round ${row.round}) is ${row.state} but ${what}`,
        })
      }
    }
  })

  return violations
}

/**
 * Each investor with payouts holds, in `investor:{id}:held`, exactly the payouts that came back
 * or could not be sent (returned or failed).
 */
export async function checkHeldBalances(db: LedgerReader): Promise<LedgerViolation[]> {
  const rows = await db.all<{ userId: string; heldCents: number; balanceCents: number }>(sql`
    select h.user_id as userId, h.held as heldCents,
      ${creditBalance(sql`'investor:' || h.user_id || ':held'`)} as balanceCents
    from (select user_id, sum(case when state in ('returned', 'failed') then amount_cents else 0 end)
      as held from payouts group by user_id) h`)

  return rows
    .filter((row) => row.heldCents !== row.balanceCents)
    .map((row) => ({
      rule: 'held_balance_mismatch' as const,
      ref: row.userId,
      message: `investor:${row.userId}:held stands at ${row.balanceCents} cents; the held payouts add up to ${row.heldCents}`,
    }))
}
