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

/** Development runs on the movable shared clock; every other environment on real time. */
export function clockFor(appEnv: AppEnv, database: Database): Clock {
  return appEnv === 'development' ? createDatabaseClock(database) : systemClock
}
