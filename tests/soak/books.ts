/**
 * The books at quiescence, read straight from the database file once every process has stopped:
 * the ledger invariants, capacity per offering, and what the worker recorded.
 */
import { openDatabase } from '@tenor/db'
import { checkLedger, type LedgerViolation } from '@tenor/db/domain'

// States that hold capacity: a failed, cancelled or returned purchase gave its amount back.
const released = `('failed', 'cancelled', 'returned')`

export interface Books {
  violations: LedgerViolation[]
  offerings: {
    slug: string
    capacityCents: number
    reservedCents: number
    /** What the offering's live purchases add up to; must equal the reserved amount. */
    heldCents: number
  }[]
  purchasesByState: Record<string, number>
  payoutsByState: Record<string, number>
  emailsByStatus: Record<string, number>
  failedJobs: { job: string; error: string | null }[]
  jobRuns: number
  unprocessedWebhooks: number
}

export async function readBooks(url: string): Promise<Books> {
  const database = openDatabase({ url })
  try {
    const rows = async <T>(sql: string) =>
      (await database.client.execute(sql)).rows as unknown as T[]
    const tally = async (sql: string) =>
      Object.fromEntries(
        (await rows<{ key: string; n: number }>(sql)).map((r) => [r.key, Number(r.n)]),
      )

    const offerings = await rows<{
      slug: string
      capacity: number
      reserved: number
      held: number
    }>(`select o.slug, o.capacity_cents as capacity, o.reserved_cents as reserved,
          coalesce((select sum(p.amount_cents) from purchases p
            where p.offering_id = o.id and p.state not in ${released}), 0) as held
        from offerings o order by o.slug`)
    const [runs] = await rows<{ n: number }>('select count(*) as n from job_runs')
    const [unprocessed] = await rows<{ n: number }>(
      'select count(*) as n from webhook_events where processed_at is null',
    )

    return {
      violations: await checkLedger(database.db),
      offerings: offerings.map((o) => ({
        slug: o.slug,
        capacityCents: Number(o.capacity),
        reservedCents: Number(o.reserved),
        heldCents: Number(o.held),
      })),
      purchasesByState: await tally(
        'select state as key, count(*) as n from purchases group by state',
      ),
      payoutsByState: await tally('select state as key, count(*) as n from payouts group by state'),
      emailsByStatus: await tally(
        'select status as key, count(*) as n from outbox_messages group by status',
      ),
      failedJobs: await rows<{ job: string; error: string | null }>(
        `select job, error from job_runs where outcome = 'failed' order by started_at limit 20`,
      ),
      jobRuns: Number(runs?.n ?? 0),
      unprocessedWebhooks: Number(unprocessed?.n ?? 0),
    }
  } finally {
    database.close()
  }
}

/** Unprocessed stored webhooks while the stack still runs: quiescence waits for none. */
export async function countUnprocessedWebhooks(url: string): Promise<number> {
  const database = openDatabase({ url })
  try {
    const result = await database.client.execute(
      'select count(*) as n from webhook_events where processed_at is null',
    )
    return Number(result.rows[0]?.n ?? 0)
  } finally {
    database.close()
  }
}

export function oversold(books: Books): Books['offerings'] {
  return books.offerings.filter(
    (o) => o.reservedCents > o.capacityCents || o.reservedCents !== o.heldCents,
  )
}
