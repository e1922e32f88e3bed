/**
 * Figure 5: a maturity run. N active holdings all mature on today's business date; the worker's
 * `maturities` job runs as its own process against a libSQL file and the Plaid stand-in (its
 * own process on loopback), timed from start until every holding's payout credit is created.
 * The ceiling is the same Plaid calls, with the same shape and concurrency, sent straight to a
 * stand-in in the same state. Both report holdings per second and the peak RSS of their
 * process (VmHWM); two sizes show whether the worker's memory grows with the holdings.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { payoutSendConcurrency } from '@tenor/api/maturities/due'
import { payoutKeyOf, plaidKeyOf } from '@tenor/api/maturities/records'
import { type BenchFigure, figure } from './figures.ts'
import { interleave, median, pinned, root, startServer } from './harness.ts'
import type { CeilingPlan } from './maturity-ceiling.ts'
import { checkPaidOnce } from './maturity-checks.ts'
import { type MaturityFixture, prepareMaturityFixture, standInCommand } from './maturity-fixture.ts'

const plaidPort = 4740
const plaidUrl = `http://127.0.0.1:${plaidPort}`

/** The two sizes, in holdings; `BENCH_MATURITY_HOLDINGS=400,1200` asks for others. */
export function maturitySizes(): number[] {
  const asked = (process.env.BENCH_MATURITY_HOLDINGS ?? '')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0)
  return asked.length > 0 ? asked : [2_500, 10_000]
}

interface RunResult {
  holdingsPerSecond: number
  peakRssMiB: number
  /** What went wrong with the payouts (none: every holding paid exactly once). */
  problems: string[]
  ledgerViolations: number
}

export async function benchMaturityRun(
  rounds: number,
  sizes: number[] = maturitySizes(),
): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = []
  const peaks: { size: number; peakRssMiB: number }[] = []
  for (const size of sizes) {
    const fixture = await prepareMaturityFixture(size, plaidPort)
    try {
      const runs = await interleave(rounds, {
        tenor: () => runWorker(fixture),
        ceiling: () => runCeiling(fixture),
      })
      const tenor = runs.tenor ?? []
      const ceiling = runs.ceiling ?? []
      const problems = [...new Set([...tenor, ...ceiling].flatMap((r) => r.problems))]
      for (const problem of problems) console.error(`maturity run, ${size} holdings: ${problem}`)
      const violations = Math.max(...tenor.map((r) => r.ledgerViolations))
      const peakRssMiB = median(tenor.map((r) => r.peakRssMiB))
      peaks.push({ size, peakRssMiB })
      figures.push(
        figure({
          name: `Maturity run: ${size.toLocaleString('en-US')} holdings due at once (worker process)`,
          value: median(tenor.map((r) => r.holdingsPerSecond)),
          unit: 'holdings/s',
          ceiling: median(ceiling.map((r) => r.holdingsPerSecond)),
          ceilingName: 'the same Plaid calls, straight to the stand-in',
          extra: {
            peakRssMiB: Math.round(peakRssMiB),
            ceilingPeakRssMiB: Math.round(median(ceiling.map((r) => r.peakRssMiB))),
            concurrency: payoutSendConcurrency,
            paidOnce: tenor.some((r) => r.problems.length > 0) ? 'NO' : 'yes',
            ledger: violations === 0 ? 'clean' : `${violations} violations`,
          },
        }),
      )
    } finally {
      fixture.remove()
    }
  }

  const smallest = peaks[0]
  const largest = peaks.at(-1)
  if (smallest && largest && largest !== smallest) {
    figures.push(
      figure({
        name: `Maturity run: worker peak RSS, ${largest.size.toLocaleString('en-US')} vs ${smallest.size.toLocaleString('en-US')} holdings`,
        value: largest.peakRssMiB,
        unit: 'MiB',
        ceiling: smallest.peakRssMiB,
        ceilingName: `${smallest.size.toLocaleString('en-US')} holdings`,
        goal: 1.2,
        lowerIsBetter: true,
      }),
    )
  }
  return figures
}

/** The worker's `maturities` job, as the scheduled machine runs it, then the checks. */
async function runWorker(fixture: MaturityFixture): Promise<RunResult> {
  return withStandIn(fixture, async ({ databasePath, plaidStatePath, stopStandIn }) => {
    const run = await timeProcess(['bun', 'workers/src/main.ts', '--job', 'maturities'], {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      APP_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: `file:${databasePath}`,
      PLAID_LOCAL_URL: plaidUrl,
      PUBLIC_URL: 'https://tenor.example',
    })
    // Stopped first: the stand-in writes its state file on a timer, and last on the way out.
    await stopStandIn()
    const checked = await checkPaidOnce(fixture.holdings.length, databasePath, plaidStatePath)
    for (const violation of checked.ledgerViolations.slice(0, 5)) {
      console.error(`maturity run, ledger: ${violation}`)
    }
    const exited = run.exitCode === 0 ? [] : [`the worker exited ${run.exitCode}`]

    return {
      holdingsPerSecond: fixture.holdings.length / run.seconds,
      peakRssMiB: run.peakRssMiB,
      problems: [...exited, ...checked.problems],
      ledgerViolations: checked.ledgerViolations.length,
    }
  })
}

/** The same Plaid calls from their own process, at the worker's concurrency. */
async function runCeiling(fixture: MaturityFixture): Promise<RunResult> {
  return withStandIn(fixture, async ({ dir }) => {
    const plan: CeilingPlan = {
      plaidUrl,
      concurrency: payoutSendConcurrency,
      destinations: fixture.destinations,
      payouts: fixture.holdings.map((h) => ({
        plaidKey: plaidKeyOf(payoutKeyOf(h.purchaseId, fixture.maturityDate)),
        purchaseId: h.purchaseId,
        investor: h.investor,
        amountCents: h.payoutCents,
      })),
    }
    const planPath = join(dir, 'plan.json')
    writeFileSync(planPath, JSON.stringify(plan))
    const run = await timeProcess(['bun', 'tests/bench/maturity-ceiling.ts', planPath], {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
    })
    const answer = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as {
      created?: number
    }
    const problems =
      answer.created === fixture.holdings.length
        ? []
        : [`the ceiling created ${answer.created} of ${fixture.holdings.length} transfers`]

    return {
      holdingsPerSecond: fixture.holdings.length / run.seconds,
      peakRssMiB: run.peakRssMiB,
      problems,
      ledgerViolations: 0,
    }
  })
}

/**
 * A fresh copy of the fixture's files and a stand-in process on them, for one run. The stand-in
 * writes its state at most twice a second (rewriting it after every call makes a long run
 * quadratic), kept in memory where the machine allows, so those writes do not queue ahead of
 * the database's own syncs on the same disk.
 */
async function withStandIn<T>(
  fixture: MaturityFixture,
  work: (run: {
    dir: string
    databasePath: string
    plaidStatePath: string
    stopStandIn: () => Promise<void>
  }) => Promise<T>,
): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'tenor-maturity-run-'))
  const plaidDir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'tenor-plaid-'))
  try {
    const paths = fixture.copyTo(dir, plaidDir)
    const standIn = await startServer(
      'plaid stand-in',
      standInCommand(plaidPort, paths.plaidStatePath),
      {},
      plaidUrl,
      '/__standin/health',
    )
    try {
      return await work({ dir, ...paths, stopStandIn: () => standIn.stop() })
    } finally {
      await standIn.stop()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    rmSync(plaidDir, { recursive: true, force: true })
  }
}

/** Runs a process on the load core; its peak RSS is read from /proc while it runs. */
async function timeProcess(cmd: string[], env: Record<string, string>) {
  const started = performance.now()
  const child = Bun.spawn(pinned(1, cmd), { cwd: root, env, stdout: 'pipe', stderr: 'inherit' })
  const stdout = new Response(child.stdout).text()
  let peakKiB = 0
  const poll = setInterval(() => {
    peakKiB = Math.max(peakKiB, readPeakKiB(child.pid))
  }, 20)
  const exitCode = await child.exited
  const seconds = (performance.now() - started) / 1000
  clearInterval(poll)

  return { seconds, exitCode, stdout: await stdout, peakRssMiB: peakKiB / 1024 }
}

function readPeakKiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0)
  } catch {
    return 0
  }
}
