import { sessions, userTokens } from '@tenor/db/schema'
import { and, isNotNull, lt, or } from 'drizzle-orm'
import type { Job } from '../job.ts'

// Ended sessions and used tokens are kept a while for support questions, then removed.
const keepEndedMs = 30 * 24 * 60 * 60 * 1000

/** Removes expired or long-ended sessions and emailed tokens. */
export const housekeeping: Job = {
  name: 'housekeeping',
  async run({ deps }) {
    // Sessions and emailed links live on real time, not the movable demo clock.
    const now = deps.wallClock.now()
    const cutoff = new Date(now.getTime() - keepEndedMs)
    const endedSessions = await deps.database.db
      .delete(sessions)
      .where(
        or(
          lt(sessions.expiresAt, now),
          and(isNotNull(sessions.revokedAt), lt(sessions.revokedAt, cutoff)),
        ),
      )
    const oldTokens = await deps.database.db
      .delete(userTokens)
      .where(lt(userTokens.expiresAt, cutoff))
    return {
      sessionsRemoved: endedSessions.rowsAffected,
      emailLinksRemoved: oldTokens.rowsAffected,
    }
  },
}
