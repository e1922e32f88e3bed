import type { RouteHandler } from '@hono/zod-openapi'
import type { Tx } from '@tenor/db'
import { sessions, users } from '@tenor/db/schema'
import { and, eq, isNull, ne } from 'drizzle-orm'
import type { AppDeps, AuthedEnv } from '../../context.ts'
import { decrypt, encrypt } from '../../lib/crypto.ts'
import * as emails from '../../lib/emails.ts'
import { ApiError, emailNotVerified } from '../../lib/errors.ts'
import { enqueueEmail } from '../../lib/outbox.ts'
import { issueRecoveryCodes, recoveryCodesLeft } from '../../lib/recovery-codes.ts'
import { passSecondFactor, removeSecondFactor } from '../../lib/second-factor.ts'
import { recheckPassword, recordFailedCheck } from '../../lib/sign-in-failures.ts'
import { matchTotpStep, newTotpSecret, totpAssociatedData, totpUri } from '../../lib/totp.ts'
import type * as routes from './me.routes.ts'

const wrongPasswordOrCode = () =>
  new ApiError(
    400,
    'invalid_code',
    'The password or the code is not right. Codes change every 30 seconds.',
  )

/** Moving to a new authenticator needs the current second factor, as turning it off does. */
const currentCodeRequired = () =>
  new ApiError(
    400,
    'current_code_required',
    'To move to a new authenticator, also enter a code from your current app, or a recovery code.',
  )

const noCurrentSecondFactor = () =>
  new ApiError(
    400,
    'two_factor_not_enabled',
    'Two-factor is not on, so there is no current code: send only the password and a code from the new app.',
  )

/**
 * Two-factor waits for a confirmed address: otherwise whoever registered someone else's address
 * first could put their own authenticator between the owner and the account, which a password
 * reset (the owner's way in) does not remove.
 */
const confirmEmailFirst = () =>
  emailNotVerified(
    'Confirm your email address before turning on two-factor. Open the link we emailed you.',
  )

export function createMeHandlers(deps: AppDeps) {
  // Sessions, codes and emailed links run on real time (see AppDeps.wallClock).
  const { database, env, wallClock: clock } = deps

  async function loadUser(id: string) {
    const user = await database.db.query.users.findFirst({ where: eq(users.id, id) })
    if (!user) throw new ApiError(401, 'unauthenticated', 'Sign in to continue.')
    return user
  }

  /** A change to the account's second factor, told to its owner in the change's transaction. */
  function tellOwner(
    tx: Tx,
    user: { id: string; email: string; legalName: string },
    kind: string,
    render: (name: string, url: string) => emails.RenderedEmail,
    now: Date,
  ) {
    return enqueueEmail(
      tx,
      {
        kind,
        dedupeKey: `${kind}:${user.id}:${now.getTime()}`,
        userId: user.id,
        to: user.email,
        ...render(user.legalName, `${env.publicUrl}/settings`),
      },
      now,
    )
  }

  const getMe: RouteHandler<typeof routes.getMe, AuthedEnv> = (c) =>
    c.json({ user: c.get('user') }, 200)

  /**
   * A new authenticator secret: the first, or, with two-factor on, one to move to. The current
   * authenticator keeps working until a code from the new one is confirmed (`enableTwoFactor`).
   */
  const startTwoFactor: RouteHandler<typeof routes.startTwoFactor, AuthedEnv> = async (c) => {
    const user = c.get('user')
    if (!user.emailVerified) throw confirmEmailFirst()
    const secret = newTotpSecret()
    const sealed = encrypt(secret, env.encryptionKeys, totpAssociatedData(user.id))
    // Whether two-factor is on is read in the write itself: one turned on by a request racing
    // this one keeps its live secret, and this becomes the secret to move to.
    const first = await database.db
      .update(users)
      .set({ totpSecret: sealed, totpLastStep: null })
      .where(and(eq(users.id, user.id), isNull(users.totpEnabledAt)))
    if (first.rowsAffected === 0) {
      await database.db
        .update(users)
        .set({ totpPendingSecret: sealed })
        .where(eq(users.id, user.id))
    }
    return c.json({ secret, otpauthUri: totpUri(secret, user.email) }, 200)
  }

  /**
   * Confirms the secret being set up with a code from it and the password, turning two-factor
   * on or moving it to the new authenticator; either way every other session ends (they gave
   * no code from it) and a new set of recovery codes replaces any earlier one. A move needs the
   * current second factor too (`currentCode`), as turning two-factor off does: otherwise a
   * stolen session and the password could put a stranger's authenticator in the owner's place.
   */
  const enableTwoFactor: RouteHandler<typeof routes.enableTwoFactor, AuthedEnv> = async (c) => {
    const { code, currentCode, password } = c.req.valid('json')
    const user = await loadUser(c.get('user').id)
    if (user.emailVerifiedAt === null) throw confirmEmailFirst()
    const replacing = user.totpEnabledAt !== null
    const sealed = replacing ? user.totpPendingSecret : user.totpSecret
    if (!sealed) {
      throw new ApiError(400, 'two_factor_not_started', 'Start two-factor setup first.')
    }
    if (replacing && currentCode === undefined) throw currentCodeRequired()
    if (!replacing && currentCode !== undefined) throw noCurrentSecondFactor()

    const now = clock.now()
    const step = matchTotpStep(
      decrypt(sealed, env.encryptionKeys, totpAssociatedData(user.id)),
      code,
      now,
    )
    // The password too: a stolen session alone must not lock the owner out behind a stranger's
    // authenticator.
    const passwordOk = await recheckPassword(deps, user, password, now)
    if (!passwordOk || step === null) throw wrongPasswordOrCode()

    const sessionId = c.get('session').id
    const outcome = await database.write(async (tx) => {
      // Read in the write: the secret confirmed is still the one being set up (no second setup
      // began and no other move finished meanwhile), and the current code is checked against
      // the authenticator as it stands.
      const stored = await tx.query.users.findFirst({ where: eq(users.id, user.id) })
      const stillSettingUp = replacing
        ? stored?.totpEnabledAt !== null && stored?.totpPendingSecret === sealed
        : stored?.totpEnabledAt === null && stored?.totpSecret === sealed
      if (!stored || !stillSettingUp) return 'not_started'
      // With the move or not at all: a recovery code is used up, an app code's step recorded.
      const passed =
        currentCode === undefined || (await passSecondFactor(tx, env, stored, currentCode, now))
      if (!passed) return 'wrong_code'

      await tx
        .update(users)
        .set({
          totpSecret: sealed,
          totpPendingSecret: null,
          totpEnabledAt: user.totpEnabledAt ?? now,
          totpLastStep: step,
          updatedAt: now,
        })
        .where(eq(users.id, user.id))
      await tx.update(sessions).set({ twoFactorVerified: true }).where(eq(sessions.id, sessionId))
      // Sessions opened without a code from this authenticator would otherwise pass for verified
      // ones (an admin's among them); they end, and sign in again with a code.
      await tx
        .update(sessions)
        .set({ revokedAt: now })
        .where(
          and(eq(sessions.userId, user.id), ne(sessions.id, sessionId), isNull(sessions.revokedAt)),
        )
      await (replacing
        ? tellOwner(tx, user, 'authenticator_replaced', emails.authenticatorReplaced, now)
        : tellOwner(tx, user, 'two_factor_on', emails.twoFactorTurnedOn, now))
      return issueRecoveryCodes(tx, env.sessionKeys, user.id, now)
    })
    if (outcome === 'not_started') {
      throw new ApiError(400, 'two_factor_not_started', 'Start two-factor setup again.')
    }
    if (outcome === 'wrong_code') {
      await recordFailedCheck(deps, user, now)
      throw wrongPasswordOrCode()
    }

    return c.json(
      {
        message: replacing
          ? 'Two-factor now uses your new authenticator.'
          : 'Two-factor authentication is on.',
        recoveryCodes: outcome,
      },
      200,
    )
  }

  const disableTwoFactor: RouteHandler<typeof routes.disableTwoFactor, AuthedEnv> = async (c) => {
    const input = c.req.valid('json')
    const user = await loadUser(c.get('user').id)
    if (user.role === 'admin') {
      throw new ApiError(
        409,
        'two_factor_required_for_admins',
        'Administrators must keep two-factor on.',
      )
    }
    if (!user.totpEnabledAt || !user.totpSecret) {
      throw new ApiError(400, 'two_factor_not_enabled', 'Two-factor is not on.')
    }
    const now = clock.now()
    const passwordOk = await recheckPassword(deps, user, input.password, now)
    const turnedOff =
      passwordOk &&
      (await database.write(async (tx) => {
        if (!(await passSecondFactor(tx, env, user, input.code, now))) return false
        await removeSecondFactor(tx, user.id, now)
        await tellOwner(tx, user, 'two_factor_off', emails.twoFactorTurnedOff, now)
        return true
      }))
    if (!turnedOff) {
      if (passwordOk) await recordFailedCheck(deps, user, now)
      throw wrongPasswordOrCode()
    }
    return c.json({ message: 'Two-factor authentication is off.' }, 200)
  }

  const getRecoveryCodes: RouteHandler<typeof routes.getRecoveryCodes, AuthedEnv> = async (c) =>
    c.json({ left: await recoveryCodesLeft(database.db, c.get('user').id) }, 200)

  const renewRecoveryCodes: RouteHandler<typeof routes.renewRecoveryCodes, AuthedEnv> = async (
    c,
  ) => {
    const input = c.req.valid('json')
    const user = await loadUser(c.get('user').id)
    if (!user.totpEnabledAt) {
      throw new ApiError(400, 'two_factor_not_enabled', 'Two-factor is not on.')
    }
    const now = clock.now()
    const passwordOk = await recheckPassword(deps, user, input.password, now)
    const recoveryCodes =
      passwordOk &&
      (await database.write(async (tx) => {
        if (!(await passSecondFactor(tx, env, user, input.code, now))) return null
        await tellOwner(tx, user, 'recovery_codes_renewed', emails.recoveryCodesRenewed, now)
        return issueRecoveryCodes(tx, env.sessionKeys, user.id, now)
      }))
    if (!recoveryCodes) {
      if (passwordOk) await recordFailedCheck(deps, user, now)
      throw wrongPasswordOrCode()
    }
    c.get('log').info('recovery codes renewed', { userId: user.id })
    return c.json({ recoveryCodes }, 200)
  }

  return {
    getMe,
    startTwoFactor,
    enableTwoFactor,
    disableTwoFactor,
    getRecoveryCodes,
    renewRecoveryCodes,
  }
}
