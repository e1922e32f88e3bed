import { addDays, businessDateOf } from '@tenor/db/domain'
import { purchaseEvents } from '@tenor/db/schema'
import { count, eq } from 'drizzle-orm'
import { signInAdmin } from './fault-admin.ts'
import { signInAgain } from './maturities.ts'
import type { NoteRates } from './money-holdings.ts'
import type { PlaidTestApp } from './plaid.ts'
import { addBuyer, addOffering, type Buyer } from './purchases.ts'
import type { Chooser } from './seeded-random.ts'
import { signUpAdmin } from './users.ts'

const day = 24 * 60 * 60 * 1000

export interface Admin {
  email: string
  userId: string
  token: string
  secret: string
}

type Offering = Awaited<ReturnType<typeof addOffering>>

/** Everything the actions of the fault workload share. */
export interface Workload {
  t: PlaidTestApp
  seed: number
  choose: Chooser
  buyers: Buyer[]
  /** A maker and a checker: refunds, rate changes and cancellations need two. */
  admins: [Admin, Admin]
  /** One-month notes with little room, so buyers race for the last of it. */
  series: Offering
  /** Where rollovers go; one-month notes too, so a rolled note can mature again. */
  target: Offering
  /** A third series, which may be cancelled (its notes repaid) midway. */
  doomed: Offering
  /** What was actually done, by kind: the suite fails if a kind never happened. */
  performed: Map<string, number>
  /** Invariants seen broken while the workload ran. */
  problems: string[]
  /** In the run's second half, the workload leans towards kinds of work not yet done. */
  guided: boolean
  /** Each offering's rates and since when, oldest first: a note earns the rate it was sold at. */
  rates: Map<string, { from: Date; rateBps: number }[]>
}

export function tally(w: Workload, kind: string, count = 1): void {
  if (count > 0) w.performed.set(kind, (w.performed.get(kind) ?? 0) + count)
}

/** Kinds of work every run must have done, or it proved nothing about them. */
export const requiredKinds = [
  'purchase',
  'cancellation',
  'refund',
  'debit posted',
  'debit settled',
  'debit failed',
  'debit returned',
  'events delivered again',
  'event before its transfer was recorded',
  'matured',
  'payout settled',
  'payout returned',
  'worker killed',
  'fault fired: error500',
  'fault fired: timeout',
  'fault fired: lost_reply',
] as const

export type RequiredKind = (typeof requiredKinds)[number]

/** Whether a kind of work has not happened yet. */
export function isMissing(w: Workload, kind: RequiredKind): boolean {
  if (kind.startsWith('fault fired: ')) {
    const mode = kind.slice('fault fired: '.length)
    return !w.t.plaid.calls().some((call) => call.fault === mode)
  }

  return !w.performed.has(kind)
}

/**
 * Whether to lean towards a kind of work: in the second half of a run, while it has not
 * happened yet (coverage-guided, as fuzzers are), so a run of this size reaches every kind.
 */
export function wants(w: Workload, kind: RequiredKind): boolean {
  return w.guided && isMissing(w, kind)
}

/**
 * The rates a note may have been sold at: its offering's rate when the purchase (or rollover)
 * was made, or, when the rate changed at that very instant of the test clock, the one before.
 */
export function noteRates(w: Workload): NoteRates {
  return {
    soldAt: (note) => {
      const history = w.rates.get(note.offeringId) ?? []
      const at = note.createdAt.getTime()
      const before = history.findLast((entry) => entry.from.getTime() < at)
      const same = history.filter((entry) => entry.from.getTime() === at)
      const rates = [before, ...same].flatMap((entry) => (entry ? [entry.rateBps] : []))
      if (rates.length === 0) throw new Error(`no rate known for offering ${note.offeringId}`)

      return rates
    },
  }
}

/** Maturities are an outcome, whoever ran them (a killed worker may not have said): count rows. */
export async function countMaturities(w: Workload): Promise<void> {
  const [row] = await w.t.db.database.db
    .select({ n: count() })
    .from(purchaseEvents)
    .where(eq(purchaseEvents.toState, 'matured'))
  if (row && row.n > 0) w.performed.set('matured', row.n)
}

/**
 * The workload's cast: a short-term series, a rollover target and a third series that may be
 * cancelled, six investors with two banks each, and two administrators. The test clock starts
 * ahead of real time (a worker process can only move its clock forward to meet it), at 10:00
 * in New York, on a date fixed by the year alone, so a replay falls on the same calendar.
 */
export async function startWorkload(
  t: PlaidTestApp,
  seed: number,
  choose: Chooser,
): Promise<Workload> {
  const start = new Date(Date.UTC(new Date().getUTCFullYear() + 1, 2, 2, 15))
  t.clock.set(start)
  const today = businessDateOf(start)
  const window = { opensOn: addDays(today, -5), closesOn: addDays(today, 365) }
  const series = await addOffering(t, {
    ...window,
    termMonths: 1,
    capacityCents: 4_000_000,
    maxPurchaseCents: 400_000,
  })
  const target = await addOffering(t, {
    ...window,
    name: 'Tenor Note Series B',
    termMonths: 1,
    capacityCents: 20_000_000,
  })
  const doomed = await addOffering(t, {
    ...window,
    name: 'Tenor Note Series C',
    termMonths: 1,
    capacityCents: 4_000_000,
  })

  const buyers: Buyer[] = []
  for (let n = 0; n < 6; n++) buyers.push(await addBuyer(t, `investor${n}@example.com`))
  const admins: Admin[] = []
  for (const email of ['maker@example.com', 'checker@example.com']) {
    admins.push({ email, ...(await signUpAdmin(t, email)) })
  }

  return {
    t,
    seed,
    choose,
    buyers,
    admins: admins as [Admin, Admin],
    series,
    target,
    doomed,
    performed: new Map(),
    problems: [],
    guided: false,
    rates: new Map(
      [series, target, doomed].map((offering) => [
        offering.id,
        [{ from: new Date(0), rateBps: offering.rateBps }],
      ]),
    ),
  }
}

/**
 * Moves the business clock forward, between batches so no request straddles the jump, and
 * signs everyone in again: sessions end after seven days.
 */
export async function advanceClock(w: Workload, days: number): Promise<void> {
  w.t.clock.advance(days * day)
  tally(w, 'clock moved forward')
  for (const [index, buyer] of w.buyers.entries()) {
    w.buyers[index] = await signInAgain(w.t, buyer)
  }
  for (const admin of w.admins) admin.token = await signInAdmin(w, admin)
}
