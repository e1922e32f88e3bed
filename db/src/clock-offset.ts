import { eq } from 'drizzle-orm'
import type { Database } from './client.ts'
import { type Clock, createSharedClock, type SharedClock, systemClock } from './clock.ts'
import type { AppEnv } from './env.ts'
import { clockOffsets } from './schema/index.ts'

/** The stored development clock offset in milliseconds (0 when never moved). */
export async function readClockOffset(database: Database): Promise<number> {
  const row = await database.db.query.clockOffsets.findFirst({ where: eq(clockOffsets.id, 1) })
  return row?.offsetMs ?? 0
}

/** Moves the development clock to `offsetMs` ahead of real time (never backwards past zero). */
export async function setClockOffset(database: Database, offsetMs: number): Promise<void> {
  const value = Math.max(0, Math.round(offsetMs))
  await database.db
    .insert(clockOffsets)
    .values({ id: 1, offsetMs: value })
    .onConflictDoUpdate({ target: clockOffsets.id, set: { offsetMs: value } })
}

export function createDatabaseClock(database: Database): SharedClock {
  return createSharedClock(() => readClockOffset(database))
}

/**
 * Development runs on the movable shared clock, read once before this answers so the first job
 * or request already sees a moved clock; every other environment runs on real time.
 */
export async function clockFor(appEnv: AppEnv, database: Database): Promise<Clock> {
  if (appEnv !== 'development') return systemClock
  const clock = createDatabaseClock(database)
  await clock.refresh()
  return clock
}
