import { parseArgs } from 'node:util'
import { createDeps } from '@tenor/api/deps'
import { closeSentry, initSentry } from '@tenor/api/lib/sentry'
import { clockFor, countPendingMigrations, openDatabase, systemClock } from '@tenor/db'
import { loadEnv } from '@tenor/db/env'
import { createLogger } from '@tenor/db/logger'
import { type Job, runJob } from './job.ts'
import { approvals } from './jobs/approvals.ts'
import { repayCancelledOfferings } from './jobs/cancelled-offerings.ts'
import { deliverEmails } from './jobs/email-delivery.ts'
import { housekeeping } from './jobs/housekeeping.ts'
import { interestAccrual } from './jobs/interest-accrual.ts'
import { checkLedgerJob } from './jobs/ledger-check.ts'
import { maturities } from './jobs/maturities.ts'
import { maturityReminders } from './jobs/maturity-reminders.ts'
import { syncTransfers } from './jobs/transfer-sync.ts'
import { processWebhooks } from './jobs/webhooks.ts'
import { reportingErrors } from './sentry.ts'

/**
 * The worker: `bun run worker` runs every job once and exits (what the scheduled machine
 * runs); `--loop` keeps running them on an interval (the local run command); `--job NAME` runs
 * one job.
 */
export const jobs: Job[] = [
  processWebhooks,
  syncTransfers,
  // Before the cancelled offerings' follow-ups, so a cancellation carried out here has them now.
  approvals,
  repayCancelledOfferings,
  maturityReminders,
  interestAccrual,
  maturities,
  deliverEmails,
  housekeeping,
  checkLedgerJob,
]

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    loop: { type: 'boolean', default: false },
    job: { type: 'string' },
    interval: { type: 'string', default: '30' },
  },
})

const env = loadEnv()
initSentry(env, 'worker')
const log = reportingErrors(createLogger(env.logLevel, { component: 'worker', env: env.appEnv }))
const selected = values.job ? jobs.filter((job) => job.name === values.job) : jobs
if (selected.length === 0) {
  log.error('no such job', { job: values.job, known: jobs.map((job) => job.name).join(', ') })
  process.exit(2)
}

const database = openDatabase(env.database)
if ((await countPendingMigrations(database)) > 0) {
  log.error('database schema is behind; run `bun run db:migrate` first')
  process.exit(1)
}
const deps = createDeps({
  env,
  database,
  log,
  clock: await clockFor(env.appEnv, database),
  wallClock: systemClock,
})

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stopping = true
  })
}

async function runAll(): Promise<boolean> {
  let ok = true
  for (const job of selected) {
    if (stopping) break
    const outcome = await runJob(job, { deps, log })
    // Asked for by name and not run: say so, or `--job ledger-check` run by hand ends silently.
    if (outcome === 'skipped' && values.job && !values.loop) {
      log.info('job skipped: it ran within its interval, or another worker holds its lease', {
        job: job.name,
      })
    }
    ok = outcome !== 'failed' && ok
  }
  return ok
}

if (values.loop) {
  const intervalMs = Math.max(1, Number(values.interval)) * 1000
  while (!stopping) {
    await runAll()
    for (let waited = 0; waited < intervalMs && !stopping; waited += 250) await Bun.sleep(250)
  }
  database.close()
} else {
  const ok = await runAll()
  database.close()
  await closeSentry()
  process.exit(ok ? 0 : 1)
}
