import { and, eq, lt } from 'drizzle-orm'
import type { Database } from './index.ts'
import { jobLeases } from './schema/index.ts'

/**
 * Takes the named lease (a worker job's run, an approved admin request being carried out) if it
 * is free or its holder's time has run out. One conditional statement, so two takers starting
 * together cannot both win; a crashed holder's lease lapses.
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
