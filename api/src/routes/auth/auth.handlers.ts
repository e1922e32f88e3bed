import type { RouteHandler } from '@hono/zod-openapi'
import { newId } from '@tenor/db'
import { sessions as sessionsTable, users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import type { AppDeps, AppEnv, AuthedEnv } from '../../context.ts'
import * as emails from '../../lib/emails.ts'
import { ApiError } from '../../lib/errors.ts'
import { enqueueEmail } from '../../lib/outbox.ts'
import {
  checkNewPassword,
  hashPassword,
  passwordProblemMessages,
  verifyDecoy,
  verifyPassword,
} from '../../lib/passwords.ts'
import { recoveryCodesLeft } from '../../lib/recovery-codes.ts'
import { passSecondFactor } from '../../lib/second-factor.ts'
import {
  createSession,
  revokeSession,
  revokeUserSessions,
  toSessionUser,
} from '../../lib/sessions.ts'
import {
  lockoutMs,
  lockoutThreshold,
  recordFailedCheck,
  recordSignInFailure,
} from '../../lib/sign-in-failures.ts'
import {
  consumeUserToken,
  findSpentUserToken,
  findUserToken,
  issueUserToken,
  tokenLink,
  voidUserTokens,
} from '../../lib/user-tokens.ts'
import {
  countSignInFailure,
  forgetSignInFailures,
  signInRefusedFor,
} from '../../middleware/rate-limit.ts'
import { clearSessionCookie, setSessionCookie } from '../../middleware/session.ts'
import { namesOfBanksToReconnect } from '../../plaid/banks.ts'
import type * as routes from './auth.routes.ts'

const invalidCredentials = () =>
  new ApiError(
    401,
    'invalid_credentials',
    // The same words whether the account exists, the password is wrong or sign-in is paused:
    // the answer must not tell an account apart. The rule is said, so a paused owner knows why.
    // Worded to be true of a right password met by the pause, too.
    `We could not sign you in with that email and password. After ${lockoutThreshold} failed tries in a row, sign-in pauses for ${lockoutMs / 60_000} minutes, even for the right password: try again then, or reset your password.`,
  )
export const invalidToken = () =>
  new ApiError(
    400,
    'invalid_token',
    'This link is invalid, already used or expired. Ask for a new one.',
  )
export const checkEmail = { message: 'Check your email for the next step.' }

export function weakPassword(problem: keyof typeof passwordProblemMessages) {
  return new ApiError(422, 'validation_failed', 'Some fields are missing or invalid.', {
    issues: [{ path: 'password', message: passwordProblemMessages[problem] }],
  })
}

export function createAuthHandlers(deps: AppDeps) {
  // Sessions, codes and emailed links run on real time (see AppDeps.wallClock).
  const { database, env, wallClock: clock } = deps
  const link = (path: string, token: string) => tokenLink(env.publicUrl, path, token)

  const register: RouteHandler<typeof routes.register, AppEnv> = async (c) => {
    const input = c.req.valid('json')
    const problem = checkNewPassword(input.password, [input.email, input.legalName])
    if (problem) throw weakPassword(problem)

    // Hash whether or not the account exists, so timing does not tell which.
    const passwordHash = await hashPassword(input.password)
    const now = clock.now()
    const existing = await database.db.query.users.findFirst({
      where: eq(users.email, input.email),
    })

    await database.write(async (tx) => {
      if (existing) {
        const hour = Math.floor(now.getTime() / 3_600_000)
        await enqueueEmail(
          tx,
          {
            kind: 'account_exists',
            dedupeKey: `account-exists:${existing.id}:${hour}`,
            userId: existing.id,
            to: existing.email,
            ...emails.accountExists(
              emails.addressee(existing),
              `${env.publicUrl}/login`,
              `${env.publicUrl}/forgot-password`,
            ),
          },
          now,
        )
        return
      }
      const id = newId()
      const inserted = await tx
        .insert(users)
        .values({
          id,
          email: input.email,
          passwordHash,
          legalName: input.legalName,
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing({ target: users.email })
      if (inserted.rowsAffected === 0) return
      const issued = await issueUserToken(tx, env.sessionKeys, {
        userId: id,
        purpose: 'verify_email',
        email: input.email,
        now,
      })
      await enqueueEmail(
        tx,
        {
          kind: 'verify_email',
          dedupeKey: `verify-email:${issued.id}`,
          userId: id,
          to: input.email,
          ...emails.verifyEmail(link('/verify-email', issued.token)),
        },
        now,
      )
    })
    c.get('log').info('registration requested', { existing: existing !== undefined })
    return c.json(checkEmail, 202)
  }

  const verifyEmail: RouteHandler<typeof routes.verifyEmail, AppEnv> = async (c) => {
    const { token } = c.req.valid('json')
    const now = clock.now()
    const found = await findUserToken(database, env.sessionKeys, 'verify_email', token, now)
    if (!found) {
      // A link followed again after it confirmed the address it was sent to: that address is
      // confirmed, which is all its holder can learn from it.
      const spent = await findSpentUserToken(database, env.sessionKeys, 'verify_email', token)
      const owner = spent
        ? await database.db.query.users.findFirst({ where: eq(users.id, spent.userId) })
        : undefined
      if (owner?.status === 'active' && owner.emailVerifiedAt && owner.email === spent?.email) {
        return c.json({ message: 'Your email address is already confirmed.' }, 200)
      }
      throw invalidToken()
    }

    const owner = await database.db.query.users.findFirst({ where: eq(users.id, found.userId) })
    if (owner?.status !== 'active') throw invalidToken()

    // The confirming browser stays signed in when it is the owner's own session.
    const session = c.get('user')?.id === owner.id ? c.get('session') : null
    const verified = await database.write(async (tx) => {
      // Read in the write, so two accounts confirming one new address at once cannot both.
      const taken = await tx.query.users.findFirst({ where: eq(users.email, found.email) })
      if (taken && taken.id !== owner.id) return false
      if (!(await consumeUserToken(tx, found.id, now))) return false
      await tx
        .update(users)
        .set({ emailVerifiedAt: now, email: found.email, updatedAt: now })
        .where(eq(users.id, found.userId))
      if (owner.email !== found.email) {
        // The address is how an account is recovered, so a change ends what the old one
        // allowed: links mailed before it (a reset sent to the old address, another pending
        // change) and every other session, as a new password does.
        await voidUserTokens(tx, owner.id, now)
        await revokeUserSessions(tx, owner.id, now, session?.id)
        // The address it replaces is told.
        await enqueueEmail(
          tx,
          {
            kind: 'email_changed',
            dedupeKey: `email-changed:${found.id}`,
            userId: owner.id,
            to: owner.email,
            ...emails.emailChanged(emails.addressee(owner), found.email),
          },
          now,
        )
      }
      return true
    })
    if (!verified) throw invalidToken()
    const message =
      owner.email === found.email
        ? 'Your email address is confirmed.'
        : `Your email address is now ${found.email}: log in with it from now on.`
    return c.json({ message }, 200)
  }

  const resendVerification: RouteHandler<typeof routes.resendVerification, AuthedEnv> = async (
    c,
  ) => {
    const user = c.get('user')
    if (!user.emailVerified) {
      const now = clock.now()
      await database.write(async (tx) => {
        const issued = await issueUserToken(tx, env.sessionKeys, {
          userId: user.id,
          purpose: 'verify_email',
          email: user.email,
          now,
        })
        await enqueueEmail(
          tx,
          {
            kind: 'verify_email',
            dedupeKey: `verify-email:${issued.id}`,
            userId: user.id,
            to: user.email,
            ...emails.verifyEmail(link('/verify-email', issued.token)),
          },
          now,
        )
      })
    }
    return c.json(checkEmail, 202)
  }

  const login: RouteHandler<typeof routes.login, AppEnv> = async (c) => {
    const input = c.req.valid('json')
    const now = clock.now()
    const user = await database.db.query.users.findFirst({ where: eq(users.email, input.email) })
    if (!user) {
      await verifyDecoy(input.password)
      c.get('log').info('login failed', { reason: 'unknown email' })
      throw invalidCredentials()
    }

    const correct = await verifyPassword(input.password, user.passwordHash)
    const locked = user.lockedUntil !== null && user.lockedUntil > now
    if (!correct || locked || user.status !== 'active') {
      if (!correct && !locked) await recordSignInFailure(deps, user.id, now)
      c.get('log').info('login failed', {
        userId: user.id,
        reason: locked ? 'locked' : user.status !== 'active' ? 'disabled' : 'wrong password',
      })
      // The right password earns the truth: the account is disabled, and whom to ask.
      if (correct && !locked && user.status !== 'active') {
        throw new ApiError(
          403,
          'account_disabled',
          `This account is disabled. Write to ${env.supportEmail} to find out why or to have it enabled again.`,
        )
      }
      throw invalidCredentials()
    }

    // A session presented at login is replaced, never upgraded: the token always changes.
    const previous = c.get('session')
    if (previous) await revokeSession(database, previous.id, now)
    const twoFactorRequired = user.totpEnabledAt !== null
    // Half a sign-in: the account's failure counts stand until the code step passes.
    if (twoFactorRequired) c.set('signInPending', true)
    // With two-factor on, failures (wrong codes among them) count until the code step passes: a
    // right password alone must not wipe the count of guessed codes.
    if (!twoFactorRequired) {
      await database.db
        .update(users)
        .set({ failedLoginCount: 0, lockedUntil: null })
        .where(eq(users.id, user.id))
    }

    const created = await createSession(database, env.sessionKeys, {
      userId: user.id,
      twoFactorVerified: !twoFactorRequired,
      userAgent: c.req.header('user-agent') ?? null,
      now,
    })
    setSessionCookie(c, deps, created.token, created.session.expiresAt)
    c.get('log').info('login succeeded', { userId: user.id, twoFactorRequired })
    return c.json(
      {
        token: created.token,
        expiresAt: created.session.expiresAt.toISOString(),
        twoFactorRequired,
        user: toSessionUser(user),
      },
      200,
    )
  }

  const loginTwoFactor: RouteHandler<typeof routes.loginTwoFactor, AuthedEnv> = async (c) => {
    const { code } = c.req.valid('json')
    const now = clock.now()
    const session = c.get('session')
    const user = await database.db.query.users.findFirst({
      where: eq(users.id, c.get('user').id),
    })
    if (!user?.totpSecret || !user.totpEnabledAt) {
      throw new ApiError(400, 'two_factor_not_enabled', 'Two-factor is not on for this account.')
    }
    // Paused after ten failures (wrong passwords and codes alike), or once the account's daily
    // and 100-in-a-row caps are spent (as a password check is, `recheckPassword`): no code is
    // even tried. A session waiting for its code outlives both pauses, so the caps are read here
    // and not only at the password step.
    const locked =
      (user.lockedUntil !== null && user.lockedUntil > now) ||
      (await signInRefusedFor(deps, user.email)) !== null
    const passed =
      !locked &&
      (await database.write(async (tx) => {
        const how = await passSecondFactor(tx, env, user, code, now)
        if (!how) return false
        await tx
          .update(users)
          .set({ failedLoginCount: 0, lockedUntil: null })
          .where(eq(users.id, user.id))
        await tx
          .update(sessionsTable)
          .set({ twoFactorVerified: true })
          .where(eq(sessionsTable.id, session.id))
        if (how === 'recovery_code') {
          // The owner hears of it: a recovery code used by someone else is a stolen one.
          const left = await recoveryCodesLeft(tx, user.id)
          await enqueueEmail(
            tx,
            {
              kind: 'recovery_code_used',
              dedupeKey: `recovery-code-used:${session.id}`,
              userId: user.id,
              to: user.email,
              ...emails.recoveryCodeUsed(user.legalName, left, `${env.publicUrl}/settings`),
            },
            now,
          )
        }
        return true
      }))
    if (!passed) {
      if (locked) await countSignInFailure(deps, user.email)
      else await recordFailedCheck(deps, user, now)
      throw new ApiError(
        400,
        'invalid_code',
        'That code is not right. Codes change every 30 seconds; a recovery code works once.',
      )
    }
    await forgetSignInFailures(deps, user.email)
    return c.json({ user: toSessionUser(user) }, 200)
  }

  const logout: RouteHandler<typeof routes.logout, AuthedEnv> = async (c) => {
    await revokeSession(database, c.get('session').id, clock.now())
    clearSessionCookie(c, deps)
    return c.json({ message: 'You are signed out.' }, 200)
  }

  const logoutAll: RouteHandler<typeof routes.logoutAll, AuthedEnv> = async (c) => {
    const ended = await database.write((tx) =>
      revokeUserSessions(tx, c.get('user').id, clock.now()),
    )
    clearSessionCookie(c, deps)
    return c.json({ ended }, 200)
  }

  // The site asks on every page it renders, so the reminder about banks to reconnect comes with
  // the answer instead of in a second call.
  const currentSession: RouteHandler<typeof routes.currentSession, AuthedEnv> = async (c) => {
    const session = c.get('session')
    const user = c.get('user')
    return c.json(
      {
        user,
        session: {
          id: session.id,
          twoFactorVerified: session.twoFactorVerified,
          expiresAt: session.expiresAt.toISOString(),
        },
        banksToReconnect: await namesOfBanksToReconnect(database, user.id),
      },
      200,
    )
  }

  return {
    register,
    verifyEmail,
    resendVerification,
    login,
    loginTwoFactor,
    logout,
    logoutAll,
    currentSession,
  }
}
