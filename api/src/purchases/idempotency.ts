import { type Database, newId } from '@tenor/db'
import { idempotencyKeys } from '@tenor/db/schema'
import { and, eq, gt, isNull, lt, ne } from 'drizzle-orm'

/**
 * Idempotency keys for `POST /purchases`, after Stripe's contract and Brandur's recovery points
 * (money.md §3.4). Keys live 24 hours. A request that stops after its purchase exists leaves
 * the purchase id on the key, so a retry resumes that purchase instead of buying twice.
 */
export const keyLifetimeMs = 24 * 60 * 60 * 1000
// Longer than any request holds a key (three Plaid calls with retries), so only a crash leaves one.
const staleLockMs = 2 * 60 * 1000

export type KeyClaim =
  | { kind: 'claimed'; keyId: string }
  | { kind: 'resume'; keyId: string; purchaseId: string }
  | { kind: 'replay'; status: number; body: string }
  | { kind: 'reused'; purchaseId: string | null }
  | { kind: 'in_use' }

/**
 * Claims a key for a request, or says what to do instead: replay the stored answer, resume the
 * purchase the key already made, or refuse (another body, or a request still running).
 */
export function claimIdempotencyKey(
  database: Database,
  input: { userId: string; key: string; requestHash: string; now: Date },
): Promise<KeyClaim> {
  const { now } = input

  return database.write(async (tx): Promise<KeyClaim> => {
    const where = and(eq(idempotencyKeys.userId, input.userId), eq(idempotencyKeys.key, input.key))
    let row = await tx.query.idempotencyKeys.findFirst({ where })
    if (row && row.expiresAt <= now) {
      await tx.delete(idempotencyKeys).where(eq(idempotencyKeys.id, row.id))
      row = undefined
    }
    if (!row) {
      const keyId = newId()
      await tx.insert(idempotencyKeys).values({
        id: keyId,
        userId: input.userId,
        key: input.key,
        requestHash: input.requestHash,
        lockedAt: now,
        createdAt: now,
        expiresAt: new Date(now.getTime() + keyLifetimeMs),
      })
      return { kind: 'claimed', keyId }
    }

    if (row.requestHash !== input.requestHash) return { kind: 'reused', purchaseId: row.purchaseId }
    // A 202 said "still confirming with the bank": a retry asks again rather than repeat it.
    if (row.state === 'completed' && row.responseStatus !== 202) {
      return { kind: 'replay', status: row.responseStatus ?? 500, body: row.responseBody ?? '{}' }
    }
    if (row.state === 'in_progress' && now.getTime() - row.lockedAt.getTime() < staleLockMs) {
      return { kind: 'in_use' }
    }

    await tx
      .update(idempotencyKeys)
      .set({ state: 'in_progress', lockedAt: now })
      .where(eq(idempotencyKeys.id, row.id))
    return row.purchaseId
      ? { kind: 'resume', keyId: row.id, purchaseId: row.purchaseId }
      : { kind: 'claimed', keyId: row.id }
  })
}

/**
 * Whether a retry under this key is answered from storage, as `claimIdempotencyKey` would
 * replay it: such a retry does no work, so no rate limit counts or refuses it.
 */
export async function holdsStoredAnswer(
  database: Database,
  input: { userId: string; key: string; now: Date },
): Promise<boolean> {
  const row = await database.db.query.idempotencyKeys.findFirst({
    columns: { id: true },
    where: and(
      eq(idempotencyKeys.userId, input.userId),
      eq(idempotencyKeys.key, input.key),
      eq(idempotencyKeys.state, 'completed'),
      ne(idempotencyKeys.responseStatus, 202),
      gt(idempotencyKeys.expiresAt, input.now),
    ),
  })

  return row !== undefined
}

/** Stores the answer a key replays from now on. */
export async function completeIdempotencyKey(
  database: Database,
  keyId: string,
  answer: { status: number; body: unknown },
): Promise<void> {
  await database.write((tx) =>
    tx
      .update(idempotencyKeys)
      .set({
        state: 'completed',
        responseStatus: answer.status,
        responseBody: JSON.stringify(answer.body),
      })
      .where(eq(idempotencyKeys.id, keyId)),
  )
}

/**
 * After a request failed: a key that made no purchase is forgotten (nothing is stored for a
 * refused request); one that did is unlocked, so the next retry resumes its purchase at once.
 */
export async function releaseIdempotencyKey(database: Database, keyId: string): Promise<void> {
  await database.write(async (tx) => {
    await tx
      .delete(idempotencyKeys)
      .where(and(eq(idempotencyKeys.id, keyId), isNull(idempotencyKeys.purchaseId)))
    await tx
      .update(idempotencyKeys)
      .set({ lockedAt: new Date(0) })
      .where(and(eq(idempotencyKeys.id, keyId), eq(idempotencyKeys.state, 'in_progress')))
  })
}

/** Removes keys past their lifetime; answers how many. */
export async function pruneIdempotencyKeys(database: Database, now: Date): Promise<number> {
  const result = await database.write((tx) =>
    tx.delete(idempotencyKeys).where(lt(idempotencyKeys.expiresAt, now)),
  )

  return result.rowsAffected
}
