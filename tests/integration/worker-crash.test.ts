import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { businessDateOf, checkLedger } from '@tenor/db/domain'
import { ledgerTransactions, outboxMessages, purchaseEvents, purchases } from '@tenor/db/schema'
import { eq, inArray } from 'drizzle-orm'
import type { FaultSpec } from '../standins/plaid/index.ts'
import { createPlaidClient } from '../standins/plaid/testing.ts'
import {
  addHoldingsDueByRealClock,
  creditsAtPlaid,
  type DueHolding,
  maturityWorkLeft,
  settleSentPayouts,
} from '../support/maturities.ts'
import { createPlaidTestApp, type PlaidTestApp } from '../support/plaid.ts'
import { expireLease, spawnWorker } from '../support/worker-process.ts'

/**
 * The worker is killed with SIGKILL at random moments, many times, while it matures and pays
 * a population of holdings; then it runs to the end. Every holding must be matured once, paid
 * by exactly one Plaid credit (or rolled over once), told once per event, and the ledger must
 * balance. The seed is printed; CRASH_SEED=<seed> replays the same kill delays and faults
 * (the timing of the processes themselves still varies).
 */

const holdings = 40
const wantedKills = 30
const maxRounds = 50
const seed = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31))

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
function seededRandom(start: number): () => number {
  let state = start >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let x = Math.imul(state ^ (state >>> 15), 1 | state)
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296
  }
}

let t: PlaidTestApp
let population: DueHolding[] = []

beforeAll(async () => {
  t = await createPlaidTestApp()
  population = await addHoldingsDueByRealClock(t, holdings, (i) =>
    i % 8 === 0 ? 'rollover_all' : i % 8 === 1 ? 'rollover_principal' : 'payout',
  )
}, 60_000)
afterAll(() => t.close())

/**
 * Plaid trouble for one round, drawn from the seed: lost replies (Plaid did the work, the answer
 * never came), 500s and rate limits, once or twice, so the client's retries get through unless
 * a kill lands during their back-off and leaves work at Plaid that we never recorded.
 */
function faultFor(random: () => number): FaultSpec | null {
  const pick = random()
  const times = 1 + Math.floor(random() * 2)
  if (pick < 0.6) return null
  if (pick < 0.75) return { path: '/transfer/create', mode: 'lost_reply', times }
  if (pick < 0.85) return { path: '/transfer/authorization/create', mode: 'lost_reply', times }
  if (pick < 0.95) return { path: '/transfer/create', mode: 'error500', times }
  return { path: '*', mode: 'rate_limited', times }
}

const workLeft = () => maturityWorkLeft(t, businessDateOf(new Date()))

describe('worker crashes', () => {
  test('SIGKILL at random moments never pays twice, posts twice or mails twice', async () => {
    process.stdout.write(`worker-crash seed: ${seed} (replay with CRASH_SEED=${seed})\n`)
    const random = seededRandom(seed)
    let kills = 0
    let rounds = 0

    while (kills < wantedKills && rounds < maxRounds && (await workLeft())) {
      rounds += 1
      const fault = faultFor(random)
      if (fault) t.plaid.injectFault(fault)
      // Within a tenth of a second of the job starting: a run does a few holdings at most, so
      // kills land in every phase (maturity transactions, authorizations, transfers, retries).
      const killAfterMs = random() * 100
      const worker = spawnWorker(t, 'maturities')
      if (await worker.started) {
        const exited = await Promise.race([
          worker.exited.then(() => true),
          Bun.sleep(killAfterMs).then(() => false),
        ])
        if (!exited) {
          worker.process.kill('SIGKILL')
          kills += 1
        }
      }
      await worker.exited
      t.plaid.clearFaults()
      await expireLease(t, 'maturities')
    }
    process.stdout.write(`worker-crash: ${kills} kills in ${rounds} rounds\n`)

    for (let run = 0; run < 3 && (await workLeft()); run++) {
      const worker = spawnWorker(t, 'maturities')
      expect(await worker.exited).toBe(0)
    }
    expect(await workLeft()).toBe(false)
    expect(kills).toBeGreaterThan(0)

    await settleSentPayouts(t)
    await expectEachHoldingPaidOnce()
  }, 90_000)
})

async function expectEachHoldingPaidOnce(): Promise<void> {
  const db = t.db.database.db
  const ids = population.map((holding) => holding.id)
  const credits = await creditsAtPlaid(t)
  const sdk = createPlaidClient(t.plaid.url)
  const creditsOf = new Map<string, number>()
  for (const transferId of credits) {
    const { transfer } = (await sdk.transferGet({ transfer_id: transferId })).data
    const purchaseId = transfer.metadata?.purchase_id ?? ''
    creditsOf.set(purchaseId, (creditsOf.get(purchaseId) ?? 0) + 1)
  }
  const moves = await db
    .select()
    .from(purchaseEvents)
    .where(inArray(purchaseEvents.purchaseId, ids))
  const postings = await db
    .select()
    .from(ledgerTransactions)
    .where(inArray(ledgerTransactions.purchaseId, ids))
  const mail = await db.select().from(outboxMessages)

  for (const holding of population) {
    const row = await db.query.purchases.findFirst({ where: eq(purchases.id, holding.id) })
    expect(row?.state).toBe('paid')
    const movesTo = (state: string) =>
      moves.filter((m) => m.purchaseId === holding.id && m.toState === state)
    expect(movesTo('matured')).toHaveLength(1)
    expect(movesTo('paid')).toHaveLength(1)
    const kinds = postings.filter((p) => p.purchaseId === holding.id).map((p) => p.kind)
    expect(kinds.filter((kind) => kind === 'maturity_accrual')).toHaveLength(1)

    const rolled = await db
      .select()
      .from(purchases)
      .where(eq(purchases.rolledFromPurchaseId, holding.id))
    const mailed = (kind: string) =>
      mail.filter((m) => m.kind === kind && m.dedupeKey.includes(holding.id))
    if (holding.instruction === 'rollover_all') {
      expect(rolled).toHaveLength(1)
      expect(creditsOf.get(holding.id) ?? 0).toBe(0)
      expect(mailed('rollover_done')).toHaveLength(1)
    } else {
      expect(rolled).toHaveLength(holding.instruction === 'payout' ? 0 : 1)
      expect(creditsOf.get(holding.id)).toBe(1)
      expect(kinds.filter((kind) => kind === 'payout_settled')).toHaveLength(1)
      expect(mailed('maturity_paid')).toHaveLength(1)
    }
  }
  expect(await checkLedger(db)).toEqual([])
}
