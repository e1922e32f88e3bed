import type { AppDeps } from '@tenor/api/context'
import type { Logger } from '@tenor/db/logger'

export interface JobContext {
  deps: AppDeps
  log: Logger
}

/** A scheduled job: runs to completion and answers counts for the log. */
export interface Job {
  name: string
  run(context: JobContext): Promise<Record<string, number>>
}

/** Runs one job, logging its start, outcome and counts as JSON lines. Never throws. */
export async function runJob(job: Job, context: JobContext): Promise<boolean> {
  const log = context.log.child({ job: job.name, jobRunId: Bun.randomUUIDv7() })
  const started = performance.now()
  log.info('job started')
  try {
    const counts = await job.run({ ...context, log })
    log.info('job succeeded', { ...counts, durationMs: Math.round(performance.now() - started) })
    return true
  } catch (error) {
    log.error('job failed', { error, durationMs: Math.round(performance.now() - started) })
    return false
  }
}
