import type { RouteHandler } from '@hono/zod-openapi'
import { sessions, users, userTokens } from '@tenor/db/schema'
import { and, desc, eq, gt, isNull, ne } from 'drizzle-orm'
import type { AppDeps, AuthedEnv } from '../../context.ts'
import * as emails from '../../lib/emails.ts'
import { ApiError, notFound } from '../../lib/errors.ts'
import { enqueueEmail } from '../../lib/outbox.ts'
import { checkNewPassword, hashPassword, passwordProblemMessages } from '../../lib/passwords.ts'
import { revokeSession, revokeUserSessions } from '../../lib/sessions.ts'
import { recheckPassword } from '../../lib/sign-in-failures.ts'
import { issueUserToken, tokenLink, voidUserTokens } from '../../lib/user-tokens.ts'
import type * as routes from './me.routes.ts'

const wrongPassword = () => new ApiError(400, 'wrong_password', 'That password is not right.')

/** Password, email address and session management for the signed-in user. */
export function createSettingsHandlers(deps: AppDeps) {
  // Sessions, codes and emailed links run on real time (see AppDeps.wallClock).
  const { database, env, wallClock: clock } = deps

  async function loadUser(id: string) {
    const user = await database.db.query.users.findFirst({ where: eq(users.id, id) })
    if (!user) throw new ApiError(401, 'unauthenticated', 'Sign in to continue.')
    return user
  }

  const changePassword: RouteHandler<typeof routes.changePassword, AuthedEnv> = async (c) => {
    const input = c.req.valid('json')
    const user = await loadUser(c.get('user').id)
    const now = clock.now()
    if (!(await recheckPassword(deps, user, input.currentPassword, now))) throw wrongPassword()
    // Compared exactly as typed, as passwords are: the current one was just verified.
    if (input.newPassword === input.currentPassword) {
      throw new ApiError(422, 'password_unchanged', 'The new password is the one you have now.', {
        issues: [
          {
            path: 'newPassword',
            message: 'The new password is the one you have now. Choose another.',
          },
        ],
      })
    }
    const problem = checkNewPassword(input.newPassword, [user.email, user.legalName])
    if (problem) {
      throw new ApiError(422, 'validation_failed', 'Some fields are missing or invalid.', {
        issues: [{ path: 'newPassword', message: passwordProblemMessages[problem] }],
      })
    }

    const passwordHash = await hashPassword(input.newPassword)
    // One write: a new password never stands beside the other sessions it should have ended.
    const sessionsEnded = await database.write(async (tx) => {
      await tx.update(users).set({ passwordHash, updatedAt: now }).where(eq(users.id, user.id))
      await voidUserTokens(tx, user.id, now)
      await enqueueEmail(
        tx,
        {
          kind: 'password_changed',
          dedupeKey: `password-changed:${user.id}:${now.getTime()}`,
          userId: user.id,
          to: user.email,
          ...emails.passwordChanged(
            emails.addressee(user),
            'settings',
            `${env.publicUrl}/forgot-password`,
          ),
        },
        now,
      )
      return revokeUserSessions(tx, user.id, now, c.get('session').id)
    })
    return c.json({ message: 'Your password is changed.', sessionsEnded }, 200)
  }

  const changeEmail: RouteHandler<typeof routes.changeEmail, AuthedEnv> = async (c) => {
    const input = c.req.valid('json')
    const user = await loadUser(c.get('user').id)
    const now = clock.now()
    if (!(await recheckPassword(deps, user, input.password, now))) throw wrongPassword()
    if (input.newEmail === user.email) {
      throw new ApiError(422, 'validation_failed', 'Some fields are missing or invalid.', {
        issues: [{ path: 'newEmail', message: 'This is already your email address.' }],
      })
    }

    const taken = await database.db.query.users.findFirst({
      where: eq(users.email, input.newEmail),
    })
    // The owner's current address hears of the request either way, and the answer and the
    // pending change shown afterwards are the same, so this form cannot be used to learn who has
    // an account. An address that belongs to someone else gets no link (the change waits for a
    // confirmation that cannot come): its owner is told an account tried to move there.
    await database.write(async (tx) => {
      const issued = await issueUserToken(tx, env.sessionKeys, {
        userId: user.id,
        purpose: 'verify_email',
        email: input.newEmail,
        now,
      })
      await enqueueEmail(
        tx,
        {
          kind: 'email_change_requested',
          dedupeKey: `email-change-requested:${issued.id}`,
          userId: user.id,
          to: user.email,
          ...emails.emailChangeRequested(emails.addressee(user), input.newEmail),
        },
        now,
      )
      if (taken) {
        await enqueueEmail(
          tx,
          {
            kind: 'email_change_refused',
            dedupeKey: `email-change-refused:${issued.id}`,
            userId: taken.id,
            to: input.newEmail,
            ...emails.emailChangeToTakenAddress(emails.addressee(taken)),
          },
          now,
        )
        return
      }
      const url = tokenLink(env.publicUrl, '/verify-email', issued.token)
      await enqueueEmail(
        tx,
        {
          kind: 'confirm_new_email',
          dedupeKey: `confirm-new-email:${issued.id}`,
          userId: user.id,
          to: input.newEmail,
          ...emails.confirmNewEmail(url),
        },
        now,
      )
    })
    return c.json({ message: 'Check the new address for a confirmation link.' }, 202)
  }

  /** Unused, unexpired confirmation links for an address the account does not have yet. */
  const waitingChange = (userId: string, email: string, now: Date) =>
    and(
      eq(userTokens.userId, userId),
      eq(userTokens.purpose, 'verify_email'),
      ne(userTokens.email, email),
      isNull(userTokens.usedAt),
      gt(userTokens.expiresAt, now),
    )

  const getPendingEmail: RouteHandler<typeof routes.getPendingEmail, AuthedEnv> = async (c) => {
    const user = c.get('user')
    const [latest] = await database.db
      .select({ email: userTokens.email, expiresAt: userTokens.expiresAt })
      .from(userTokens)
      .where(waitingChange(user.id, user.email, clock.now()))
      .orderBy(desc(userTokens.createdAt))
      .limit(1)
    const pending = latest
      ? { email: latest.email, expiresAt: latest.expiresAt.toISOString() }
      : null
    return c.json({ pendingEmail: pending }, 200)
  }

  const withdrawEmailChange: RouteHandler<typeof routes.withdrawEmailChange, AuthedEnv> = async (
    c,
  ) => {
    const user = c.get('user')
    const now = clock.now()
    await database.write((tx) =>
      tx
        .update(userTokens)
        .set({ usedAt: now })
        .where(waitingChange(user.id, user.email, now)),
    )
    c.get('log').info('email change withdrawn', { userId: user.id })
    return c.json({ pendingEmail: null }, 200)
  }

  const listSessions: RouteHandler<typeof routes.listSessions, AuthedEnv> = async (c) => {
    const now = clock.now()
    const rows = await database.db
      .select()
      .from(sessions)
      .where(
        and(
          eq(sessions.userId, c.get('user').id),
          isNull(sessions.revokedAt),
          gt(sessions.expiresAt, now),
          gt(sessions.idleExpiresAt, now),
        ),
      )
      .orderBy(desc(sessions.lastSeenAt))
    const current = c.get('session').id
    return c.json(
      {
        sessions: rows.map((row) => ({
          id: row.id,
          userAgent: row.userAgent,
          createdAt: row.createdAt.toISOString(),
          lastSeenAt: row.lastSeenAt.toISOString(),
          current: row.id === current,
        })),
      },
      200,
    )
  }

  const revokeOne: RouteHandler<typeof routes.revokeSession, AuthedEnv> = async (c) => {
    const { sessionId } = c.req.valid('param')
    const owned = await database.db.query.sessions.findFirst({
      where: and(eq(sessions.id, sessionId), eq(sessions.userId, c.get('user').id)),
    })
    if (!owned || owned.revokedAt) throw notFound('session')
    await revokeSession(database, sessionId, clock.now())
    return c.json({ message: 'That session is signed out.' }, 200)
  }

  return {
    changePassword,
    changeEmail,
    getPendingEmail,
    withdrawEmailChange,
    listSessions,
    revokeSession: revokeOne,
  }
}
