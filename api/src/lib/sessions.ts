import { type Database, type Db, newId, preparedPerHandle, type Tx } from '@tenor/db'
import type { Key } from '@tenor/db/env'
import { sessions, users } from '@tenor/db/schema'
import { and, eq, gt, isNull, ne, sql } from 'drizzle-orm'
import type { CurrentSession, SessionUser } from '../context.ts'
import { hashToken, randomToken } from './crypto.ts'

/**
 * Server-side sessions. The client holds a 256-bit random token; the database holds only a keyed
 * hash of it. Sessions end after `idleTimeoutMs` without use or `absoluteTimeoutMs` after login,
 * whichever comes first.
 */
export const idleTimeoutMs = 2 * 60 * 60 * 1000
export const absoluteTimeoutMs = 7 * 24 * 60 * 60 * 1000
// Refreshing last-seen on every request would turn every read into a write.
const touchAfterMs = 60 * 1000

export interface CreatedSession {
  token: string
  session: CurrentSession
}

export async function createSession(
  database: Database,
  keys: Key[],
  input: { userId: string; twoFactorVerified: boolean; userAgent: string | null; now: Date },
): Promise<CreatedSession> {
  const [key] = keys
  if (!key) throw new Error('no session key configured')
  const token = randomToken()
  const id = newId()
  const expiresAt = new Date(input.now.getTime() + absoluteTimeoutMs)
  await database.db.insert(sessions).values({
    id,
    userId: input.userId,
    tokenHash: hashToken(token, key),
    keyId: key.id,
    twoFactorVerified: input.twoFactorVerified,
    userAgent: input.userAgent?.slice(0, 300) ?? null,
    createdAt: input.now,
    lastSeenAt: input.now,
    idleExpiresAt: new Date(input.now.getTime() + idleTimeoutMs),
    expiresAt,
  })
  return { token, session: { id, twoFactorVerified: input.twoFactorVerified, expiresAt } }
}

export interface ValidatedSession {
  user: SessionUser
  session: CurrentSession
}

/** The live session for a token, or null. Tries every configured key so keys can rotate. */
export async function validateSessionToken(
  database: Database,
  keys: Key[],
  token: string,
  now: Date,
): Promise<ValidatedSession | null> {
  if (token.length < 20 || token.length > 100) return null
  const row = await findByAnyKey(database.db, keys, token, now)
  if (!row) return null

  if (now.getTime() - row.session.lastSeenAt.getTime() > touchAfterMs) {
    const idleExpiresAt = new Date(
      Math.min(now.getTime() + idleTimeoutMs, row.session.expiresAt.getTime()),
    )
    await database.db
      .update(sessions)
      .set({ lastSeenAt: now, idleExpiresAt })
      .where(eq(sessions.id, row.session.id))
  }

  return {
    user: toSessionUser(row.user),
    session: {
      id: row.session.id,
      twoFactorVerified: row.session.twoFactorVerified,
      expiresAt: row.session.expiresAt,
    },
  }
}

/**
 * The live session with a token hash, and its user. Only the columns a request needs: this runs
 * on every signed-in request, and the user row also holds the password hash and the two-factor
 * secret.
 */
const findLiveSession = preparedPerHandle((db: Db) =>
  db
    .select({
      session: {
        id: sessions.id,
        twoFactorVerified: sessions.twoFactorVerified,
        lastSeenAt: sessions.lastSeenAt,
        expiresAt: sessions.expiresAt,
      },
      user: sessionUserColumns,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.tokenHash, sql.placeholder('tokenHash')),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql.placeholder('now')),
        gt(sessions.idleExpiresAt, sql.placeholder('now')),
        eq(users.status, 'active'),
      ),
    )
    .prepare(),
)

/** The newest key first: only a token issued before a key rotation needs a second look. */
async function findByAnyKey(db: Db, keys: Key[], token: string, now: Date) {
  for (const key of keys) {
    // Instants are stored as milliseconds since the epoch.
    const row = await findLiveSession(db).get({
      tokenHash: hashToken(token, key),
      now: now.getTime(),
    })
    if (row) return row
  }
  return undefined
}

const sessionUserColumns = {
  id: users.id,
  email: users.email,
  legalName: users.legalName,
  role: users.role,
  emailVerifiedAt: users.emailVerifiedAt,
  kycStatus: users.kycStatus,
  totpEnabledAt: users.totpEnabledAt,
}

type SessionUserRow = Pick<typeof users.$inferSelect, keyof typeof sessionUserColumns>

export function toSessionUser(user: SessionUserRow): SessionUser {
  return {
    id: user.id,
    email: user.email,
    legalName: user.legalName,
    role: user.role,
    emailVerified: user.emailVerifiedAt !== null,
    kycStatus: user.kycStatus,
    twoFactorEnabled: user.totpEnabledAt !== null,
  }
}

export async function revokeSession(database: Database, sessionId: string, now: Date) {
  await database.db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)))
}

/**
 * Ends every session of a user, or every one but `keep`. Returns how many ended. Takes a
 * transaction when the sessions must end together with the change that ends them.
 */
export async function revokeUserSessions(
  db: Tx,
  userId: string,
  now: Date,
  keep?: string,
): Promise<number> {
  const result = await db
    .update(sessions)
    .set({ revokedAt: now })
    .where(
      and(
        eq(sessions.userId, userId),
        isNull(sessions.revokedAt),
        keep ? ne(sessions.id, keep) : undefined,
      ),
    )
  return result.rowsAffected
}
