import { achAuthorizations, sessions, userTokens } from '@tenor/db/schema'
import { and, isNotNull, lt, or } from 'drizzle-orm'
import type { Job } from '../job.ts'

const day = 24 * 60 * 60 * 1000
// Ended sessions and used tokens are kept a while for support questions, then removed.
const keepEndedMs = 30 * day
// Nacha asks for the proof of an ACH debit's authorization for two years after the debit, which
// follows the authorization within days: a month more is kept before the investor's address and
// browser are removed from it. The wording, amount, account and time stay with the purchase.
const keepAuthorizationDetailsMs = (2 * 365 + 1 + 30) * day

/**
 * Removes expired or long-ended sessions and emailed tokens, and the address and browser from
 * proofs of ACH authorization older than Nacha keeps them for.
 */
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
    const redacted = await deps.database.db
      .update(achAuthorizations)
      .set({ ipAddress: null, userAgent: null })
      .where(
        and(
          lt(achAuthorizations.createdAt, new Date(now.getTime() - keepAuthorizationDetailsMs)),
          or(isNotNull(achAuthorizations.ipAddress), isNotNull(achAuthorizations.userAgent)),
        ),
      )
    return {
      sessionsRemoved: endedSessions.rowsAffected,
      emailLinksRemoved: oldTokens.rowsAffected,
      // Not "authorization…": the logger masks any field so named.
      debitMandateDetailsRemoved: redacted.rowsAffected,
    }
  },
}
