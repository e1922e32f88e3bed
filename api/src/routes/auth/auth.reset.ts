import type { RouteHandler } from '@hono/zod-openapi'
import { newId } from '@tenor/db'
import { sessions as sessionsTable, users } from '@tenor/db/schema'
import { and, eq, isNull } from 'drizzle-orm'
import type { AppDeps, AppEnv } from '../../context.ts'
import * as emails from '../../lib/emails.ts'
import { ApiError } from '../../lib/errors.ts'
import { enqueueEmail } from '../../lib/outbox.ts'
import { checkNewPassword, hashPassword, verifyPassword } from '../../lib/passwords.ts'
import { removeSecondFactor } from '../../lib/second-factor.ts'
import {
  consumeUserToken,
  findUserToken,
  issueUserToken,
  tokenLink,
  voidUserTokens,
} from '../../lib/user-tokens.ts'
import { forgetSignInFailures } from '../../middleware/rate-limit.ts'
import { checkEmail, invalidToken, weakPassword } from './auth.handlers.ts'
import type * as routes from './auth.routes.ts'

/**
 * How long a forgotten-password request takes at the least, answered for every address alike.
 * Only a known address writes (the link and its email), which took about 0.7 ms more: measured
 * enough times, that alone would tell who has an account. Under this floor both wait the same.
 */
export const forgotPasswordFloorMs = 100

/** Forgotten passwords: a single-use link by email, and the new password it sets. */
export function createResetHandlers(deps: AppDeps) {
  // Emailed links run on real time (see AppDeps.wallClock).
  const { database, env, wallClock: clock } = deps
  const link = (path: string, token: string) => tokenLink(env.publicUrl, path, token)

  const forgotPassword: RouteHandler<typeof routes.forgotPassword, AppEnv> = async (c) => {
    const { email } = c.req.valid('json')
    const started = performance.now()
    const now = clock.now()
    const user = await database.db.query.users.findFirst({ where: eq(users.email, email) })
    if (user && user.status === 'active') {
      await database.write(async (tx) => {
        const issued = await issueUserToken(tx, env.sessionKeys, {
          userId: user.id,
          purpose: 'reset_password',
          email: user.email,
          now,
        })
        await enqueueEmail(
          tx,
          {
            kind: 'password_reset',
            dedupeKey: `password-reset:${issued.id}`,
            userId: user.id,
            to: user.email,
            ...emails.passwordReset(emails.addressee(user), link('/reset-password', issued.token)),
          },
          now,
        )
      })
    } else if (user) {
      // A disabled account gets no link, but its owner learns why none will work: only the
      // mailbox hears it, so the answer to the form stays the same for every address.
      await database.write((tx) =>
        enqueueEmail(
          tx,
          {
            kind: 'account_disabled',
            dedupeKey: `account-disabled:${newId()}`,
            userId: user.id,
            to: user.email,
            ...emails.accountDisabled(emails.addressee(user)),
          },
          now,
        ),
      )
    }
    const elapsed = performance.now() - started
    if (elapsed < forgotPasswordFloorMs) await Bun.sleep(forgotPasswordFloorMs - elapsed)
    else c.get('log').warn('forgot-password answer took longer than its floor', { elapsed })
    return c.json(checkEmail, 202)
  }

  /** The reset link's token and its account, or `invalid_token` when it cannot be used. */
  async function findResetTarget(token: string, now: Date) {
    const found = await findUserToken(database, env.sessionKeys, 'reset_password', token, now)
    if (!found) throw invalidToken()
    const user = await database.db.query.users.findFirst({ where: eq(users.id, found.userId) })
    // A link mailed to an address the account has since left is not the owner's to use, and a
    // disabled account's links do not open it.
    if (!user || user.email !== found.email || user.status !== 'active') throw invalidToken()
    return { found, user }
  }

  const checkResetToken: RouteHandler<typeof routes.checkResetToken, AppEnv> = async (c) => {
    await findResetTarget(c.req.valid('json').token, clock.now())
    return c.json({ usable: true as const }, 200)
  }

  const resetPassword: RouteHandler<typeof routes.resetPassword, AppEnv> = async (c) => {
    const input = c.req.valid('json')
    const now = clock.now()
    const { found, user } = await findResetTarget(input.token, now)
    const problem = checkNewPassword(input.password, [user.email, user.legalName])
    if (problem) throw weakPassword(problem)
    // As in Settings: a "new" password that is the old one would report a change that is none.
    if (await verifyPassword(input.password, user.passwordHash)) {
      throw new ApiError(422, 'password_unchanged', 'The new password is the one you have now.', {
        issues: [
          { path: 'password', message: 'This is the password you have now. Choose another.' },
        ],
      })
    }

    const passwordHash = await hashPassword(input.password)
    const changed = await database.write(async (tx) => {
      if (!(await consumeUserToken(tx, found.id, now))) return false
      await voidUserTokens(tx, user.id, now)
      // The link reached the account's address, which confirms it. Whoever registered the
      // address before its owner confirmed it leaves nothing behind: no authenticator of theirs
      // stands between the owner and the account.
      const unconfirmed = user.emailVerifiedAt === null
      await tx
        .update(users)
        .set({
          passwordHash,
          failedLoginCount: 0,
          lockedUntil: null,
          updatedAt: now,
          ...(unconfirmed ? { emailVerifiedAt: now } : {}),
        })
        .where(eq(users.id, user.id))
      if (unconfirmed) await removeSecondFactor(tx, user.id, now)
      await tx
        .update(sessionsTable)
        .set({ revokedAt: now })
        .where(and(eq(sessionsTable.userId, user.id), isNull(sessionsTable.revokedAt)))
      await enqueueEmail(
        tx,
        {
          kind: 'password_changed',
          dedupeKey: `password-changed:${found.id}`,
          userId: user.id,
          to: user.email,
          ...emails.passwordChanged(
            emails.addressee(user),
            'reset',
            `${env.publicUrl}/forgot-password`,
          ),
        },
        now,
      )
      return true
    })
    if (!changed) throw invalidToken()
    await forgetSignInFailures(deps, user.email)
    c.get('log').info('password reset', { userId: user.id })
    return c.json({ message: 'Your password is changed. Sign in with the new one.' }, 200)
  }

  return { forgotPassword, checkResetToken, resetPassword }
}
