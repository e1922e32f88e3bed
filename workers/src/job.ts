import type { AppDeps } from '@tenor/api/context'
import { newId } from '@tenor/db'
import { acquireLease, releaseLease } from '@tenor/db/lease'
import type { Logger } from '@tenor/db/logger'
import { jobRuns } from '@tenor/db/schema'
import { and, desc, eq, inArray } from 'drizzle-orm'

export interface JobContext {
  deps: AppDeps
  log: Logger
}

/** A scheduled job: runs to completion and answers counts for the log. */
export interface Job {
  name: string
  /** Longest a run may hold the job's lease; a crashed run frees the job after this. */
  leaseMs?: number
  /** Runs at most this often (e.g. the nightly ledger check); other runs skip it quietly. */
  minIntervalMs?: number
  run(context: JobContext): Promise<Record<string, number>>
}

export type JobOutcome = 'succeeded' | 'failed' | 'skipped'

const defaultLeaseMs = 15 * 60 * 1000

/**
 * Runs one job under its lease, so overlapping workers never run the same job at once; records
 * the run in `job_runs` and logs its start, outcome and counts as JSON lines. Never throws.
 * Leases and runs are timed by the wall clock: in development the business clock moves, and a
 * lease taken at a moved time would outlive its run by months, or expire under it.
 */
export async function runJob(job: Job, context: JobContext): Promise<JobOutcome> {
  try {
    return await runUnderLease(job, context)
  } catch (error) {
    // The database refused the lease or the run's own record (busy past its tries, unreachable):
    // the job is reported failed, and the worker goes on to the next one.
    context.log.error('job could not run or record its run', { job: job.name, error })
    return 'failed'
  }
}

async function runUnderLease(job: Job, context: JobContext): Promise<JobOutcome> {
  const { database, wallClock: clock } = context.deps
  const runId = newId()
  const log = context.log.child({ job: job.name, jobRunId: runId })
  const started = performance.now()
  const leaseName = `job:${job.name}`

  if (job.minIntervalMs !== undefined && (await ranRecently(context, job, job.minIntervalMs))) {
    return 'skipped'
  }

  const leased = await acquireLease(database, {
    name: leaseName,
    holder: runId,
    now: clock.now(),
    ttlMs: job.leaseMs ?? defaultLeaseMs,
  })
  if (!leased) {
    log.info('job skipped: another worker holds its lease')
    await database.db.insert(jobRuns).values({
      id: runId,
      job: job.name,
      startedAt: clock.now(),
      finishedAt: clock.now(),
      outcome: 'skipped',
    })
    return 'skipped'
  }

  log.info('job started')
  await database.db
    .insert(jobRuns)
    .values({ id: runId, job: job.name, startedAt: clock.now(), outcome: 'running' })
  let outcome: JobOutcome = 'succeeded'
  try {
    const counts = await job.run({ ...context, log })
    const durationMs = Math.round(performance.now() - started)
    log.info('job succeeded', { ...counts, durationMs })
    await database.db
      .update(jobRuns)
      .set({ outcome, finishedAt: clock.now(), counts: JSON.stringify(counts) })
      .where(eq(jobRuns.id, runId))
  } catch (error) {
    outcome = 'failed'
    log.error('job failed', { error, durationMs: Math.round(performance.now() - started) })
    const message = error instanceof Error ? error.message : String(error)
    await database.db
      .update(jobRuns)
      .set({ outcome, finishedAt: clock.now(), error: message.slice(0, 500) })
      .where(eq(jobRuns.id, runId))
  } finally {
    await releaseLease(database, leaseName, runId)
  }
  return outcome
}

async function ranRecently(context: JobContext, job: Job, intervalMs: number): Promise<boolean> {
  const [last] = await context.deps.database.db
    .select({ startedAt: jobRuns.startedAt })
    .from(jobRuns)
    .where(and(eq(jobRuns.job, job.name), inArray(jobRuns.outcome, ['succeeded', 'failed'])))
    .orderBy(desc(jobRuns.startedAt))
    .limit(1)
  return (
    last !== undefined &&
    context.deps.wallClock.now().getTime() - last.startedAt.getTime() < intervalMs
  )
}
