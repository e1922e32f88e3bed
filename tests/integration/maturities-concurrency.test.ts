import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { createDeps } from '@tenor/api/deps'
import { openDatabase } from '@tenor/db'
import { checkLedger } from '@tenor/db/domain'
import { createLogger } from '@tenor/db/logger'
import { jobRuns, payouts, purchaseEvents } from '@tenor/db/schema'
import { maturities } from '@tenor/workers/jobs/maturities'
import { eq } from 'drizzle-orm'
import {
  addHoldingsDueByRealClock,
  buyActiveNote,
  creditsAtPlaid,
  type DueHolding,
  settleSentPayouts,
} from '../support/maturities.ts'
import { createPlaidTestApp, type PlaidTestApp } from '../support/plaid.ts'
import { addBuyer, addOffering, readPurchase } from '../support/purchases.ts'
import { spawnWorker } from '../support/worker-process.ts'

let t: PlaidTestApp
beforeEach(async () => {
  t = await createPlaidTestApp()
})
afterEach(() => t.close())

/** Each holding matured once, paid by one credit, and paid when the credits settle. */
async function expectEachPaidOnce(ids: string[]): Promise<void> {
  const db = t.db.database.db
  const matured = await db
    .select()
    .from(purchaseEvents)
    .where(eq(purchaseEvents.toState, 'matured'))
  expect(matured.map((event) => event.purchaseId).toSorted()).toEqual(ids.toSorted())
  const rows = await db.select().from(payouts)
  expect(rows).toHaveLength(ids.length)
  expect((await creditsAtPlaid(t)).toSorted()).toEqual(
    rows.map((row) => row.transferId ?? '').toSorted(),
  )

  await settleSentPayouts(t)
  for (const id of ids) expect((await readPurchase(t, id)).state).toBe('paid')
  expect(await checkLedger(db)).toEqual([])
}

describe('two workers at once', () => {
  test('two worker processes started together process each holding once', async () => {
    const holdings: DueHolding[] = await addHoldingsDueByRealClock(t, 12)

    const workers = [spawnWorker(t, 'maturities'), spawnWorker(t, 'maturities')]
    const codes = await Promise.all(workers.map((worker) => worker.exited))

    expect(codes).toContain(0)
    for (const [index, worker] of workers.entries()) {
      if (codes[index] === 0) continue
      // Claiming the lease or recording the run while the other process holds SQLite's write
      // lock past the busy timeout, and past the write's retries (0001), fails with SQLITE_BUSY,
      // and the worker exits before its job starts.
      expect(await worker.stderr).toContain('SQLITE_BUSY')
      expect(worker.lines.some((line) => line.event === 'job started')).toBe(false)
    }
    const runs = await t.db.database.db.select().from(jobRuns).where(eq(jobRuns.job, 'maturities'))
    const matured = runs.map((run) => Number(JSON.parse(run.counts ?? '{}').matured ?? 0))
    // One holds the lease and does the work; the other is skipped, or finds nothing left.
    expect(matured.reduce((sum, n) => sum + n, 0)).toBe(holdings.length)
    await expectEachPaidOnce(holdings.map((holding) => holding.id))
  }, 30_000)

  test('even two runs that both got in (a lapsed lease) pay each holding once', async () => {
    const offering = await addOffering(t)
    const ada = await addBuyer(t, 'ada@example.com')
    const ids: string[] = []
    for (let i = 0; i < 10; i++) {
      const note = await buyActiveNote(t, ada, {
        offeringId: offering.id,
        amountCents: 10_000 + i * 100,
      })
      ids.push(note.id)
    }
    t.clock.set(new Date('2026-09-02T14:00:00Z'))
    // A second process, as far as SQLite is concerned: its own client on the same file.
    const second = openDatabase({ url: t.db.url })
    const log = createLogger('silent')
    const other = createDeps({ env: t.deps.env, database: second, log, clock: t.clock })

    try {
      const results = await Promise.all([
        maturities.run({ deps: t.deps, log }),
        maturities.run({ deps: other, log }),
      ])

      expect(results.reduce((sum, counts) => sum + Number(counts.matured), 0)).toBe(10)
      expect(results.every((counts) => Number(counts.maturityErrors) === 0)).toBe(true)
    } finally {
      second.close()
    }
    await expectEachPaidOnce(ids)
    const paid = await t.db.database.db
      .select()
      .from(purchaseEvents)
      .where(eq(purchaseEvents.toState, 'paid'))
    expect(paid).toHaveLength(10)
  }, 30_000)
})
