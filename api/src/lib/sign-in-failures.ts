import { users } from '@tenor/db/schema'
import { eq, sql } from 'drizzle-orm'
import type { AppDeps } from '../context.ts'
import { countSignInFailure, describeWait, signInRefusedFor } from '../middleware/rate-limit.ts'
import { ApiError } from './errors.ts'
import { verifyPassword } from './passwords.ts'

/** Consecutive failures before an account pauses sign-in, and for how long. */
export const lockoutThreshold = 10
export const lockoutMs = 15 * 60 * 1000

/**
 * Counts a failed sign-in in one statement, on the count as stored (not as the request read
 * it), so guesses sent in parallel are each counted and the tenth still pauses the account.
 */
export async function recordSignInFailure(deps: AppDeps, userId: string, now: Date) {
  const reached = sql`${users.failedLoginCount} + 1 >= ${lockoutThreshold}`
  await deps.database.db
    .update(users)
    .set({
      failedLoginCount: sql`case when ${reached} then 0 else ${users.failedLoginCount} + 1 end`,
      lockedUntil: sql`case when ${reached} then ${now.getTime() + lockoutMs} else ${users.lockedUntil} end`,
    })
    .where(eq(users.id, userId))
}

interface PasswordHolder {
  id: string
  email: string
  passwordHash: string
  failedLoginCount: number
  lockedUntil: Date | null
  totpEnabledAt: Date | null
}

/**
 * Checks the password a signed-in user types to confirm a change (a new password, address or
 * second factor). A wrong one counts as a failed sign-in, against the account's lockout and its
 * daily caps alike, and while sign-in is paused no password is even tried: a stolen session
 * must not become a faster way to guess the password than the sign-in form.
 */
export async function recheckPassword(
  deps: AppDeps,
  user: PasswordHolder,
  password: string,
  now: Date,
): Promise<boolean> {
  const pausedFor =
    user.lockedUntil !== null && user.lockedUntil > now
      ? Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 1000)
      : await signInRefusedFor(deps, user.email)
  if (pausedFor !== null) throw passwordChecksPaused(pausedFor)

  if (await verifyPassword(password, user.passwordHash)) {
    // As at sign-in: with two-factor on, a right password alone does not wipe the count of codes
    // guessed (at the code step, or here by whoever holds the password).
    const clears = user.totpEnabledAt === null
    if (clears && (user.failedLoginCount > 0 || user.lockedUntil !== null)) {
      await deps.database.db
        .update(users)
        .set({ failedLoginCount: 0, lockedUntil: null })
        .where(eq(users.id, user.id))
    }
    return true
  }
  await recordFailedCheck(deps, user, now)
  return false
}

/**
 * Counts a wrong password or code typed outside the sign-in form (which its own rate limits
 * count): against the account's lockout and its sign-in caps alike.
 */
export async function recordFailedCheck(
  deps: AppDeps,
  user: { id: string; email: string },
  now: Date,
) {
  await recordSignInFailure(deps, user.id, now)
  await countSignInFailure(deps, user.email)
}

const passwordChecksPaused = (retryAfter: number) =>
  new ApiError(
    429,
    'password_checks_paused',
    `Too many wrong passwords: this account's password checks, sign-in among them, are paused. Try again in ${describeWait(retryAfter)}, or reset your password.`,
    { retryAfter },
  )
