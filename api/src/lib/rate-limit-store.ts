import type { Clock, Database } from '@tenor/db'
import { rateLimits } from '@tenor/db/schema'
import { and, eq, gt, lt, sql } from 'drizzle-orm'
import type { ClientRateLimitInfo, Store } from 'hono-rate-limiter'

/** How often one process sweeps expired counters out of the table, at most. */
const sweepEveryMs = 10 * 60 * 1000

/**
 * A hono-rate-limiter `Store` over the `rate_limits` table, so every API machine counts against
 * the same fixed window (docs/decisions/0005-rate-limit-store.md). Each hit is one atomic
 * UPSERT … RETURNING: no read-modify-write race between machines or requests.
 */
export class DatabaseRateLimitStore implements Store {
  readonly localKeys = false
  private lastSweep = 0

  constructor(
    private readonly database: Database,
    private readonly clock: Clock,
    readonly prefix: string,
    private readonly windowMs: number,
  ) {}

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const now = this.clock.now()
    const fresh = new Date(now.getTime() + this.windowMs)
    // SQLite evaluates every SET expression against the old row, so `expired` means the same
    // thing in both columns: a window that has ended starts again at one hit.
    const expired = sql`${rateLimits.resetAt} <= ${now.getTime()}`
    const [row] = await this.database.db
      .insert(rateLimits)
      .values({ key: this.prefixed(key), hits: 1, resetAt: fresh })
      .onConflictDoUpdate({
        target: rateLimits.key,
        set: {
          hits: sql`case when ${expired} then 1 else ${rateLimits.hits} + 1 end`,
          resetAt: sql`case when ${expired} then excluded.reset_at else ${rateLimits.resetAt} end`,
        },
      })
      .returning({ hits: rateLimits.hits, resetAt: rateLimits.resetAt })
    this.sweep(now)

    if (!row) throw new Error('rate limit upsert returned no row')
    return { totalHits: row.hits, resetTime: row.resetAt }
  }

  async decrement(key: string): Promise<void> {
    const now = this.clock.now()
    // Only inside a live window and never below zero, so a late decrement cannot leak credit
    // into the next window.
    await this.database.db
      .update(rateLimits)
      .set({ hits: sql`${rateLimits.hits} - 1` })
      .where(
        and(
          eq(rateLimits.key, this.prefixed(key)),
          gt(rateLimits.hits, 0),
          gt(rateLimits.resetAt, now),
        ),
      )
  }

  async resetKey(key: string): Promise<void> {
    await this.database.db.delete(rateLimits).where(eq(rateLimits.key, this.prefixed(key)))
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const row = await this.database.db.query.rateLimits.findFirst({
      where: and(eq(rateLimits.key, this.prefixed(key)), gt(rateLimits.resetAt, this.clock.now())),
    })
    return row ? { totalHits: row.hits, resetTime: row.resetAt } : undefined
  }

  private prefixed(key: string): string {
    return `${this.prefix}:${key}`
  }

  // Expired rows are harmless (the next hit restarts them) but would pile up; any machine may
  // delete them, and a failed sweep is simply retried later.
  private sweep(now: Date) {
    if (now.getTime() - this.lastSweep < sweepEveryMs) return

    this.lastSweep = now.getTime()
    this.database.db
      .delete(rateLimits)
      .where(lt(rateLimits.resetAt, now))
      .catch(() => undefined)
  }
}
