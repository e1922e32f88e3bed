import type { Tx } from '@tenor/db'
import type { Env } from '@tenor/db/env'
import { users } from '@tenor/db/schema'
import { and, eq, isNull, lt, or } from 'drizzle-orm'
import { decrypt } from './crypto.ts'
import { useRecoveryCode, voidRecoveryCodes } from './recovery-codes.ts'
import { matchTotpStep, totpAssociatedData } from './totp.ts'

export const isAuthenticatorCode = (code: string) => /^\d{6}$/.test(code)

export interface SecondFactorUser {
  id: string
  totpSecret: string | null
  totpLastStep: number | null
}

/**
 * Checks the second factor inside the caller's transaction: an authenticator code (each time
 * step once, recorded by a conditional update, so two requests with one code cannot both pass)
 * or a recovery code (used up). Answers how it was passed, or null when it was not.
 */
export async function passSecondFactor(
  tx: Tx,
  env: Pick<Env, 'sessionKeys' | 'encryptionKeys'>,
  user: SecondFactorUser,
  code: string,
  now: Date,
): Promise<'authenticator' | 'recovery_code' | null> {
  if (!isAuthenticatorCode(code)) {
    const used = await useRecoveryCode(tx, env.sessionKeys, user.id, code, now)
    return used ? 'recovery_code' : null
  }
  if (!user.totpSecret) return null
  const secret = decrypt(user.totpSecret, env.encryptionKeys, totpAssociatedData(user.id))
  const step = matchTotpStep(secret, code, now)
  if (step === null) return null
  const moved = await tx
    .update(users)
    .set({ totpLastStep: step })
    .where(and(eq(users.id, user.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
  return moved.rowsAffected === 1 ? 'authenticator' : null
}

/** Turns two-factor off: the authenticator, one being set up, and every unused recovery code. */
export async function removeSecondFactor(tx: Tx, userId: string, now: Date): Promise<void> {
  await tx
    .update(users)
    .set({
      totpSecret: null,
      totpPendingSecret: null,
      totpEnabledAt: null,
      totpLastStep: null,
      updatedAt: now,
    })
    .where(eq(users.id, userId))
  await voidRecoveryCodes(tx, userId, now)
}
