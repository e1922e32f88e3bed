import { expect } from 'bun:test'
import { addDays, businessDateOf, type CalendarDate } from '@tenor/db/domain'
import { createLogger, type Logger } from '@tenor/db/logger'
import { payouts, purchases } from '@tenor/db/schema'
import { type Job, runJob } from '@tenor/workers/job'
import { maturities } from '@tenor/workers/jobs/maturities'
import { and, asc, eq, isNotNull, lte } from 'drizzle-orm'
import { createPlaidClient } from '../standins/plaid/testing.ts'
import type { PlaidTestApp } from './plaid.ts'
import {
  addBuyer,
  addOffering,
  type Buyer,
  buy,
  type PurchaseBody,
  readPurchase,
  simulateTransfer,
} from './purchases.ts'
import { testPassword } from './users.ts'

/** Buys a note and settles its debit at the stand-in: an `active` holding from today. */
export async function buyActiveNote(
  t: PlaidTestApp,
  buyer: Buyer,
  input: { offeringId: string; amountCents: number },
) {
  const res = await buy(t, buyer, input)
  expect(res.status).toBe(201)
  const { purchase } = (await res.json()) as PurchaseBody
  const { transferId } = await readPurchase(t, purchase.id)
  if (!transferId) throw new Error('no transfer id')
  await simulateTransfer(t, transferId, 'posted')
  await simulateTransfer(t, transferId, 'settled')
  await t.deps.syncTransfers()
  const active = await readPurchase(t, purchase.id)
  expect(active.state).toBe('active')

  return active
}

/** A $1,000 active note of the buyer's, which they set to roll into the `rollTo` offering. */
export async function buyNoteRollingInto(
  t: PlaidTestApp,
  buyer: Buyer,
  input: {
    offeringId: string
    rollTo: string
    instruction?: 'rollover_all' | 'rollover_principal'
  },
) {
  const note = await buyActiveNote(t, buyer, { offeringId: input.offeringId, amountCents: 100_000 })
  const chosen = await t.request(`/purchases/${note.id}/instruction`, {
    method: 'PUT',
    json: { instruction: input.instruction ?? 'rollover_all', rolloverOfferingSlug: input.rollTo },
    token: buyer.token,
  })
  expect(chosen.status).toBe(200)
  return note
}

/** Runs a job as the worker does, under its lease; answers the outcome and its log lines. */
export async function runWorkerJob(t: PlaidTestApp, job: Job = maturities) {
  const lines: Record<string, unknown>[] = []
  const log: Logger = createLogger('info', {}, (line) => lines.push(JSON.parse(line)))
  const outcome = await runJob(job, { deps: t.deps, log })
  const counts = lines.find((line) => line.event === 'job succeeded') ?? {}

  return { outcome, counts, lines }
}

export async function readPayouts(t: PlaidTestApp, purchaseId?: string) {
  return t.db.database.db
    .select()
    .from(payouts)
    .where(purchaseId ? eq(payouts.purchaseId, purchaseId) : undefined)
    .orderBy(asc(payouts.id))
}

export async function readPayout(t: PlaidTestApp, purchaseId: string) {
  const [payout] = await readPayouts(t, purchaseId)
  if (!payout) throw new Error(`no payout for purchase ${purchaseId}`)

  return payout
}

/** Posts and settles every payout credit sent so far at the stand-in, then syncs the events. */
export async function settleSentPayouts(t: PlaidTestApp): Promise<number> {
  const sent = await t.db.database.db
    .select({ transferId: payouts.transferId })
    .from(payouts)
    .where(and(eq(payouts.state, 'pending'), isNotNull(payouts.transferId)))
  for (const { transferId } of sent) {
    if (!transferId) continue
    await simulateTransfer(t, transferId, 'posted')
    await simulateTransfer(t, transferId, 'settled')
  }
  await t.deps.syncTransfers()

  return sent.length
}

/** Every note rolled over from a matured one. */
export async function readRolledNote(t: PlaidTestApp, fromPurchaseId: string) {
  return t.db.database.db.query.purchases.findFirst({
    where: eq(purchases.rolledFromPurchaseId, fromPurchaseId),
  })
}

/** Emails of one kind written for an address. */
export async function mailOfKind(t: PlaidTestApp, email: string, kind: string) {
  return (await t.mailbox(email)).filter((message) => message.kind === kind)
}

/** Signs in again: a session does not outlive months of test-clock time. */
export async function signInAgain(t: PlaidTestApp, buyer: Buyer): Promise<Buyer> {
  const res = await t.request('/auth/login', {
    json: { email: buyer.email, password: testPassword },
  })
  const { token } = (await res.json()) as { token: string }

  return { ...buyer, token }
}

/**
 * Links another bank for the buyer (a different institution, so not a duplicate), signing in
 * again first as months may have passed; answers its checking account.
 */
export async function linkAnotherBank(
  t: PlaidTestApp,
  buyer: Buyer,
  institutionId: string,
): Promise<string> {
  t.clock.advance(60_000)
  const { token } = await signInAgain(t, buyer)
  const linked = await t.linkBank(token, { institutionId })
  expect(linked.status).toBe(201)
  const { bank } = (await linked.json()) as {
    bank: { accounts: { id: string; subtype: string | null }[] }
  }
  const checking = bank.accounts.find((a) => a.subtype === 'checking')
  if (!checking) throw new Error('no checking account linked')

  return checking.id
}

/** The ACH credits the stand-in made, read from Plaid's own event feed (one `pending` each). */
export async function creditsAtPlaid(t: PlaidTestApp): Promise<string[]> {
  const sdk = createPlaidClient(t.plaid.url)
  const credits: string[] = []
  for (let after = 0; ; ) {
    const { data } = await sdk.transferEventSync({ after_id: after, count: 500 })
    for (const event of data.transfer_events) {
      if (event.event_type === 'pending' && event.transfer_type === 'credit') {
        credits.push(event.transfer_id)
      }
    }
    const last = data.transfer_events.at(-1)
    if (!data.has_more || !last) return credits
    after = last.event_id
  }
}

export type Instruction = 'payout' | 'rollover_all' | 'rollover_principal'

export interface DueHolding {
  id: string
  instruction: Instruction
  buyer: Buyer
}

/**
 * Holdings that matured about two months before the real today, for worker processes, which
 * run on the real clock: bought and settled eight months ago on the test clock, spread over
 * four investors, each with its instruction (rollovers go to a second, still open offering).
 */
export async function addHoldingsDueByRealClock(
  t: PlaidTestApp,
  count: number,
  instructionOf: (index: number) => Instruction = () => 'payout',
): Promise<DueHolding[]> {
  const realNow = new Date()
  const settleAt = new Date(realNow.getTime() - 240 * 24 * 60 * 60 * 1000)
  const settleDate = businessDateOf(settleAt)
  t.clock.set(settleAt)
  const series = await addOffering(t, {
    opensOn: addDays(settleDate, -5),
    closesOn: addDays(settleDate, 5),
  })
  const target = await addOffering(t, {
    name: 'Tenor Note Series B',
    opensOn: addDays(settleDate, -5),
    closesOn: addDays(businessDateOf(realNow), 60),
  })
  const buyers = await Promise.all([0, 1, 2, 3].map((n) => addBuyer(t, `investor${n}@example.com`)))

  const holdings: DueHolding[] = []
  for (let i = 0; i < count; i++) {
    const buyer = buyers[i % buyers.length] as Buyer
    const note = await buyActiveNote(t, buyer, {
      offeringId: series.id,
      amountCents: 50_000 + i * 1_000,
    })
    const instruction = instructionOf(i)
    if (instruction !== 'payout') {
      const res = await t.request(`/purchases/${note.id}/instruction`, {
        method: 'PUT',
        json: { instruction, rolloverOfferingSlug: target.slug },
        token: buyer.token,
      })
      expect(res.status).toBe(200)
    }
    holdings.push({ id: note.id, instruction, buyer })
  }
  t.clock.set(realNow)

  return holdings
}

/** A $1,000 note bought today (2026-03-02), with the clock moved to its maturity day. */
export async function noteAtMaturity(t: PlaidTestApp, buyer: Buyer, offeringId: string) {
  const note = await buyActiveNote(t, buyer, { offeringId, amountCents: 100_000 })
  t.plaid.resetCalls()
  t.clock.set(new Date('2026-09-02T14:00:00Z'))

  return note
}

/** Whether a maturity run still has work: holdings due by `today`, or payouts not yet sent. */
export async function maturityWorkLeft(t: PlaidTestApp, today: CalendarDate): Promise<boolean> {
  const db = t.db.database.db
  const due = await db
    .select({ id: purchases.id })
    .from(purchases)
    .where(and(eq(purchases.state, 'active'), lte(purchases.maturityDate, today)))
  const unsent = await db.select().from(payouts).where(eq(payouts.state, 'initiated'))

  return due.length + unsent.length > 0
}

/**
 * A $1,000 note matured on 2026-09-02 whose payout came back (R03, held for the investor) and
 * whose account then reported another debit, of a $500 note, unauthorized: held money in review.
 */
export async function heldMoneyInReview(t: PlaidTestApp, buyer: Buyer, offeringId: string) {
  const note = await buyActiveNote(t, buyer, { offeringId, amountCents: 100_000 })
  const other = await buyActiveNote(t, buyer, { offeringId, amountCents: 50_000 })
  t.clock.set(new Date('2026-09-02T14:00:00Z'))
  await runWorkerJob(t)
  const { transferId } = await readPayout(t, note.id)
  await simulateTransfer(t, transferId ?? '', 'posted')
  await simulateTransfer(t, transferId ?? '', 'returned', 'R03')
  await simulateTransfer(t, other.transferId ?? '', 'returned', 'R10')
  await t.deps.syncTransfers()
  return note
}
