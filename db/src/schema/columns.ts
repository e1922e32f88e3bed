import { integer, text } from 'drizzle-orm/sqlite-core'

/** UTC instants as integer milliseconds since the epoch. */
export const instant = (name: string) => integer(name, { mode: 'timestamp_ms' })

/** Calendar dates as ISO `YYYY-MM-DD` text: business dates carry no time of day. */
export const calendarDate = (name: string) => text(name)

/** Whole cents. Never a float. */
export const cents = (name: string) => integer(name, { mode: 'number' })

export const createdAt = () =>
  instant('created_at')
    .notNull()
    .$defaultFn(() => new Date())
