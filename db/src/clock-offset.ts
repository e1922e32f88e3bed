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

const day = 24 * 60 * 60 * 1000

/** A zone's offset from UTC at an instant, in milliseconds: "GMT-05:00" is minus five hours. */
function zoneOffsetMs(at: Date, timeZone: string): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((part) => part.type === 'timeZoneName')?.value
  const match = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name ?? '')
  if (!match) return 0
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) * 60_000
}

/**
 * The offset that moves the clock `days` calendar days forward in `timeZone`: the same time of
 * day, `days` dates later, across a daylight-saving change too. Plain multiples of 24 hours would
 * move it an hour with the change, and from the hour before midnight onto the day after.
 */
export function offsetAdvancedBy(
  currentOffsetMs: number,
  now: Date,
  days: number,
  timeZone: string,
): number {
  const target = new Date(now.getTime() + days * day)
  return currentOffsetMs + days * day + zoneOffsetMs(now, timeZone) - zoneOffsetMs(target, timeZone)
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
