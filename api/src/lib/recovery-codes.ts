import { randomInt } from 'node:crypto'
import { type Database, newId, type Tx } from '@tenor/db'
import type { Key } from '@tenor/db/env'
import { recoveryCodes } from '@tenor/db/schema'
import { and, count, eq, inArray, isNull } from 'drizzle-orm'
import { hashToken } from './crypto.ts'

/**
 * Two-factor recovery codes: ten at a time, each ten characters of Crockford's base32 (50 bits),
 * shown as `xxxxx-xxxxx`. Ten wrong codes pause sign-in as wrong passwords do, so guessing one is
 * out of reach; the stored hash is keyed, so a copy of the database does not give them away.
 */
export const recoveryCodeCount = 10
const alphabet = '0123456789abcdefghjkmnpqrstvwxyz'
const length = 10

function newCode(): string {
  let code = ''
  for (let i = 0; i < length; i++) code += alphabet[randomInt(alphabet.length)]
  return code
}

const shown = (code: string) => `${code.slice(0, 5)}-${code.slice(5)}`

/**
 * A typed recovery code in its stored form, or null when it cannot be one. Case, spaces and
 * dashes do not matter, and letters read as digits (i, l → 1; o → 0) are taken as those digits.
 */
export function normalizeRecoveryCode(input: string): string | null {
  const code = input.toLowerCase().replace(/[\s-]/g, '').replace(/[il]/g, '1').replace(/o/g, '0')
  if (code.length !== length) return null
  for (const char of code) if (!alphabet.includes(char)) return null
  return code
}

// The user's id is in the hash, so two accounts' codes never collide in the unique index.
const hashOf = (key: Key, userId: string, code: string) => hashToken(`${userId}:${code}`, key)

/** Voids a user's unused codes and stores a new set; answers the codes, to be shown once. */
export async function issueRecoveryCodes(
  tx: Tx,
  keys: Key[],
  userId: string,
  now: Date,
): Promise<string[]> {
  const [key] = keys
  if (!key) throw new Error('no session key configured')
  await voidRecoveryCodes(tx, userId, now)
  const codes = Array.from({ length: recoveryCodeCount }, newCode)
  await tx.insert(recoveryCodes).values(
    codes.map((code) => ({
      id: newId(),
      userId,
      codeHash: hashOf(key, userId, code),
      keyId: key.id,
      createdAt: now,
    })),
  )
  return codes.map(shown)
}

/** Uses a code once; false when it is wrong, used or void (a race uses it at most once). */
export async function useRecoveryCode(
  tx: Tx,
  keys: Key[],
  userId: string,
  input: string,
  now: Date,
): Promise<boolean> {
  const code = normalizeRecoveryCode(input)
  if (!code) return false
  const used = await tx
    .update(recoveryCodes)
    .set({ usedAt: now })
    .where(
      and(
        eq(recoveryCodes.userId, userId),
        inArray(
          recoveryCodes.codeHash,
          keys.map((key) => hashOf(key, userId, code)),
        ),
        isNull(recoveryCodes.usedAt),
      ),
    )
  return used.rowsAffected === 1
}

export async function voidRecoveryCodes(tx: Tx, userId: string, now: Date): Promise<void> {
  await tx
    .update(recoveryCodes)
    .set({ usedAt: now })
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)))
}

export async function recoveryCodesLeft(db: Database['db'] | Tx, userId: string): Promise<number> {
  const [row] = await db
    .select({ left: count() })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)))
  return row?.left ?? 0
}
