import { type Database, newId, type Tx } from '@tenor/db'
import type { Key } from '@tenor/db/env'
import { type tokenPurposes, userTokens } from '@tenor/db/schema'
import { and, eq, gt, inArray, isNotNull, isNull, type SQL } from 'drizzle-orm'
import { hashToken, randomToken } from './crypto.ts'

type Purpose = (typeof tokenPurposes)[number]

export const tokenLifetimeMs: Record<Purpose, number> = {
  verify_email: 24 * 60 * 60 * 1000,
  reset_password: 60 * 60 * 1000,
}

/** The site's page an emailed token opens, with the token in its address. */
export function tokenLink(publicUrl: string, path: string, token: string): string {
  return `${publicUrl}${path}?token=${token}`
}

/** Creates a single-use emailed token inside the caller's transaction; returns the raw token. */
export async function issueUserToken(
  tx: Tx,
  keys: Key[],
  input: { userId: string; purpose: Purpose; email: string; now: Date },
): Promise<{ id: string; token: string }> {
  const [key] = keys
  if (!key) throw new Error('no session key configured')
  const token = randomToken()
  const id = newId()
  await tx.insert(userTokens).values({
    id,
    userId: input.userId,
    purpose: input.purpose,
    email: input.email,
    tokenHash: hashToken(token, key),
    createdAt: input.now,
    expiresAt: new Date(input.now.getTime() + tokenLifetimeMs[input.purpose]),
  })
  return { id, token }
}

/** The unused, unexpired token row for a raw token, or null. */
export function findUserToken(
  database: Database,
  keys: Key[],
  purpose: Purpose,
  token: string,
  now: Date,
) {
  return findToken(database, keys, purpose, token, [
    isNull(userTokens.usedAt),
    gt(userTokens.expiresAt, now),
  ])
}

/** A token of this purpose that was used or voided (expired or not); null for any other. */
export function findSpentUserToken(
  database: Database,
  keys: Key[],
  purpose: Purpose,
  token: string,
) {
  return findToken(database, keys, purpose, token, [isNotNull(userTokens.usedAt)])
}

/** The row of a raw token (hashed under any current key) of this purpose that meets `where`. */
async function findToken(
  database: Database,
  keys: Key[],
  purpose: Purpose,
  token: string,
  where: SQL[],
) {
  const hashes = keys.map((key) => hashToken(token, key))
  const row = await database.db
    .select()
    .from(userTokens)
    .where(and(inArray(userTokens.tokenHash, hashes), eq(userTokens.purpose, purpose), ...where))
    .get()
  return row ?? null
}

/** Marks a token used; false when another request used it first (single use under races). */
export async function consumeUserToken(tx: Tx, id: string, now: Date): Promise<boolean> {
  const result = await tx
    .update(userTokens)
    .set({ usedAt: now })
    .where(and(eq(userTokens.id, id), isNull(userTokens.usedAt)))
  return result.rowsAffected === 1
}

/**
 * Voids every emailed link of a user still outstanding, as a new password is set: a reset or
 * email-change link mailed before it (perhaps to someone who had the account then) must not
 * outlive the password that was current when it was sent.
 */
export async function voidUserTokens(tx: Tx, userId: string, now: Date): Promise<void> {
  await tx
    .update(userTokens)
    .set({ usedAt: now })
    .where(and(eq(userTokens.userId, userId), isNull(userTokens.usedAt)))
}
