import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { instant } from './columns.ts'

/**
 * Fixed-window counters shared by every API machine, so a limit holds across instances.
 * `key` names the rule and the client (address or account); rows past `resetAt` are stale.
 */
export const rateLimits = sqliteTable(
  'rate_limits',
  {
    key: text('key').primaryKey(),
    hits: integer('hits').notNull(),
    resetAt: instant('reset_at').notNull(),
  },
  (t) => [index('rate_limits_reset_idx').on(t.resetAt)],
)

/** A named lease: only the holder runs the job until `expiresAt`; a crashed holder's lease lapses. */
export const jobLeases = sqliteTable('job_leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: instant('expires_at').notNull(),
})

/** One row per worker job run: what ran, when, and how it ended. */
export const jobRuns = sqliteTable(
  'job_runs',
  {
    id: text('id').primaryKey(),
    job: text('job').notNull(),
    startedAt: instant('started_at').notNull(),
    finishedAt: instant('finished_at'),
    outcome: text('outcome', { enum: ['running', 'succeeded', 'failed', 'skipped'] }).notNull(),
    counts: text('counts'),
    error: text('error'),
  },
  (t) => [index('job_runs_job_idx').on(t.job, t.startedAt)],
)

/** Development and test only: how far the shared clock has been moved forward. */
export const clockOffsets = sqliteTable('clock_offsets', {
  id: integer('id').primaryKey(),
  offsetMs: integer('offset_ms').notNull(),
})
