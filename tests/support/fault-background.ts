import { reconcileStalePurchases } from '@tenor/api/purchases/reconcile'
import { checkLedger } from '@tenor/db/domain'
import { countMaturities, tally, type Workload } from './fault-workload.ts'
import { runWorkerJob } from './maturities.ts'
import { expireAllLeases, spawnWorkerOnTestClock } from './worker-process.ts'

/*
 * What runs behind the API in the fault workload: the worker's jobs, in this process and as
 * worker processes killed at random, reconciliation, and a reader of the books.
 */

/** The maturities job in this process, under its lease, as the worker would run it. */
export async function runMaturitiesInProcess(w: Workload): Promise<void> {
  const { outcome, counts } = await runWorkerJob(w.t)
  tally(w, `maturities in process: ${outcome}`)
  tally(w, 'matured in process', Number(counts.matured ?? 0))
  await countMaturities(w)
}

/**
 * A worker process on the test clock (every job, or maturities, interest accrual or transfer
 * sync alone), most times SIGKILLed at a random moment after its first job starts. A killed
 * worker's leases are let lapse, as they would after their time runs out.
 */
export async function runWorkerProcess(w: Workload): Promise<void> {
  const job = w.choose.weighted([
    { weight: 3, item: undefined },
    { weight: 2, item: 'maturities' },
    { weight: 1, item: 'interest-accrual' },
    { weight: 1, item: 'transfer-sync' },
  ])
  const kill = w.choose.chance(0.7)
  const killAfterMs = w.choose.between(0, job ? 60 : 300)
  const worker = await spawnWorkerOnTestClock(w.t, job)

  let killed = false
  if (kill && (await worker.started)) {
    const exited = await Promise.race([
      worker.exited.then(() => true),
      Bun.sleep(killAfterMs).then(() => false),
    ])
    if (!exited) {
      worker.process.kill('SIGKILL')
      killed = true
    }
  }
  const code = await worker.exited
  if (killed) await expireAllLeases(w.t)
  await countMaturities(w)
  tally(w, killed ? 'worker killed' : `worker exited ${code}`)

  for (const line of worker.lines) {
    if (line.event === 'ledger check found violations') {
      w.problems.push(`the worker's ledger check failed: ${JSON.stringify(line.violations)}`)
    }
    if (line.event === 'job succeeded' && line.job === 'maturities') {
      tally(w, 'matured by a worker process', Number(line.matured ?? 0))
    }
    if (line.event === 'job succeeded' && line.job === 'interest-accrual') {
      tally(w, 'interest accrued by a worker process', Number(line.accrued ?? 0))
    }
  }
}

/** Purchases left initiated by lost replies are moved on from what Plaid knows. */
export async function reconcile(w: Workload): Promise<void> {
  const counts = await reconcileStalePurchases(w.t.deps)
  tally(w, 'reconciled', counts.reconciled)
}

/** The books balance at every moment, not only at the end: read them mid-flight. */
export async function readTheBooks(w: Workload): Promise<void> {
  const violations = await checkLedger(w.t.db.database.db)
  for (const violation of violations) w.problems.push(`mid-run ledger: ${violation.message}`)
  tally(w, 'ledger read mid-run')
}
