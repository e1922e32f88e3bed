import type { Clock, Database } from '@tenor/db'
import { sql } from 'drizzle-orm'
import { formatLabels } from '../../lib/metrics.ts'

/**
 * Gauges read from the database at scrape time. They describe the whole system, not this
 * machine, so every machine reports the same values: aggregate them with max(), not sum().
 * Tables other issues add later (purchases, transfer events) are looked up by name and skipped
 * while absent.
 */
export async function renderDatabaseGauges(database: Database, clock: Clock): Promise<string> {
  const now = clock.now().getTime()
  const tables = await listColumns(database)
  const lines: string[] = []
  const gauge = (name: string, help: string, samples: [Record<string, string>, number][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`)
    for (const [labels, value] of samples) lines.push(`${name}${formatLabels(labels)} ${value}`)
  }

  const outbox = await rows<{ pending: number; oldest: number | null }>(
    database,
    sql`select count(*) as pending, min(created_at) as oldest from outbox_messages where status = 'pending'`,
  )
  gauge('tenor_outbox_pending', 'Emails written but not yet delivered.', [
    [{}, outbox[0]?.pending ?? 0],
  ])
  const oldest = outbox[0]?.oldest
  gauge('tenor_outbox_oldest_pending_age_seconds', 'Age of the oldest undelivered email.', [
    [{}, oldest ? Math.max(0, (now - oldest) / 1000) : 0],
  ])

  const jobs = await rows<{ job: string; finished: number }>(
    database,
    sql`select job, max(finished_at) as finished from job_runs where outcome = 'succeeded' group by job`,
  )
  gauge(
    'tenor_job_last_success_timestamp_seconds',
    'When each worker job last succeeded (Unix seconds).',
    jobs.map((j) => [{ job: j.job }, j.finished / 1000]),
  )

  const purchases = tables.get('purchases')
  const stateColumn = ['status', 'state'].find((name) => purchases?.has(name))
  if (stateColumn) {
    const counts = await rows<{ state: string; count: number }>(
      database,
      sql`select ${sql.identifier(stateColumn)} as state, count(*) as count from purchases group by 1`,
    )
    gauge(
      'tenor_purchases',
      'Purchases by state.',
      counts.map((p) => [{ state: String(p.state) }, p.count]),
    )
  }

  const events = tables.get('transfer_events')
  const timeColumn = ['received_at', 'created_at', 'occurred_at', 'event_at'].find((name) =>
    events?.has(name),
  )
  if (timeColumn) {
    const [newest] = await rows<{ at: number | null }>(
      database,
      sql`select max(${sql.identifier(timeColumn)}) as at from transfer_events`,
    )
    if (newest?.at) {
      gauge('tenor_transfer_event_lag_seconds', 'Seconds since the newest stored transfer event.', [
        [{}, Math.max(0, (now - newest.at) / 1000)],
      ])
    }
  }

  return `${lines.join('\n')}\n`
}

async function rows<T>(database: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  return (await database.db.all(query)) as T[]
}

async function listColumns(database: Database): Promise<Map<string, Set<string>>> {
  const found = await rows<{ table: string; column: string }>(
    database,
    sql`select m.name as "table", p.name as "column" from sqlite_master m, pragma_table_info(m.name) p where m.type = 'table'`,
  )
  const tables = new Map<string, Set<string>>()
  for (const { table, column } of found) {
    const columns = tables.get(table) ?? new Set<string>()
    columns.add(column)
    tables.set(table, columns)
  }
  return tables
}
