import type { Database } from '@tenor/db'
import { jobLeases } from '@tenor/db/schema'
import { and, eq, lt, sql } from 'drizzle-orm'

/**
 * Takes the named lease if it is free or its holder's time has run out. One conditional
 * statement, so two workers starting together cannot both win; a crashed holder's lease lapses.
 */
export async function acquireLease(
  database: Database,
  input: { name: string; holder: string; now: Date; ttlMs: number },
): Promise<boolean> {
  const expiresAt = new Date(input.now.getTime() + input.ttlMs)
  const result = await database.db
    .insert(jobLeases)
    .values({ name: input.name, holder: input.holder, expiresAt })
    .onConflictDoUpdate({
      target: jobLeases.name,
      set: { holder: input.holder, expiresAt },
      setWhere: lt(jobLeases.expiresAt, input.now),
    })
  return result.rowsAffected === 1
}

/** Gives the lease back, only if this holder still has it. */
export async function releaseLease(database: Database, name: string, holder: string) {
  await database.db
    .delete(jobLeases)
    .where(and(eq(jobLeases.name, name), eq(jobLeases.holder, holder)))
}

/** Extends a lease the holder still has; false when it has lapsed to someone else. */
export async function renewLease(
  database: Database,
  input: { name: string; holder: string; now: Date; ttlMs: number },
): Promise<boolean> {
  const result = await database.db
    .update(jobLeases)
    .set({ expiresAt: sql`${input.now.getTime() + input.ttlMs}` })
    .where(and(eq(jobLeases.name, input.name), eq(jobLeases.holder, input.holder)))
  return result.rowsAffected === 1
}
