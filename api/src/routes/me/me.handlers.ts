import type { RouteHandler } from '@hono/zod-openapi'
import { sessions, users } from '@tenor/db/schema'
import { and, eq, isNull, ne } from 'drizzle-orm'
import type { AppDeps, AuthedEnv } from '../../context.ts'
import { decrypt, encrypt } from '../../lib/crypto.ts'
import { ApiError } from '../../lib/errors.ts'
import { verifyPassword } from '../../lib/passwords.ts'
import { matchTotpStep, newTotpSecret, totpUri } from '../../lib/totp.ts'
import type * as routes from './me.routes.ts'

const wrongCode = () =>
  new ApiError(400, 'invalid_code', 'That code is not right. Codes change every 30 seconds.')
const wrongPasswordOrCode = () =>
  new ApiError(
    400,
    'invalid_code',
    'The password or the code is not right. Codes change every 30 seconds.',
  )

export function createMeHandlers(deps: AppDeps) {
  // Sessions, codes and emailed links run on real time (see AppDeps.wallClock).
  const { database, env, wallClock: clock } = deps
  const aad = (userId: string) => `totp:${userId}`

  async function loadUser(id: string) {
    const user = await database.db.query.users.findFirst({ where: eq(users.id, id) })
    if (!user) throw new ApiError(401, 'unauthenticated', 'Sign in to continue.')
    return user
  }

  const getMe: RouteHandler<typeof routes.getMe, AuthedEnv> = (c) =>
    c.json({ user: c.get('user') }, 200)

  const startTwoFactor: RouteHandler<typeof routes.startTwoFactor, AuthedEnv> = async (c) => {
    const user = c.get('user')
    if (user.twoFactorEnabled) {
      throw new ApiError(409, 'two_factor_already_enabled', 'Two-factor is already on.')
    }
    const secret = newTotpSecret()
    await database.db
      .update(users)
      .set({ totpSecret: encrypt(secret, env.encryptionKeys, aad(user.id)), totpLastStep: null })
      .where(eq(users.id, user.id))
    return c.json({ secret, otpauthUri: totpUri(secret, user.email) }, 200)
  }

  const enableTwoFactor: RouteHandler<typeof routes.enableTwoFactor, AuthedEnv> = async (c) => {
    const { code, password } = c.req.valid('json')
    const user = await loadUser(c.get('user').id)
    if (user.totpEnabledAt || !user.totpSecret) {
      throw new ApiError(400, 'two_factor_not_started', 'Start two-factor setup first.')
    }
    const now = clock.now()
    const step = matchTotpStep(
      decrypt(user.totpSecret, env.encryptionKeys, aad(user.id)),
      code,
      now,
    )
    // The password too: a stolen session alone must not lock the owner out behind a stranger's
    // authenticator.
    const passwordOk = await verifyPassword(password, user.passwordHash)
    if (!passwordOk || step === null) throw wrongPasswordOrCode()

    const sessionId = c.get('session').id
    await database.write(async (tx) => {
      await tx
        .update(users)
        .set({ totpEnabledAt: now, totpLastStep: step, updatedAt: now })
        .where(eq(users.id, user.id))
      await tx.update(sessions).set({ twoFactorVerified: true }).where(eq(sessions.id, sessionId))
      // Sessions opened without a code would otherwise pass for verified ones (an admin's among
      // them); they end, and sign in again with a code.
      await tx
        .update(sessions)
        .set({ revokedAt: now })
        .where(
          and(eq(sessions.userId, user.id), ne(sessions.id, sessionId), isNull(sessions.revokedAt)),
        )
    })
    return c.json({ message: 'Two-factor authentication is on.' }, 200)
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
    const secret = decrypt(user.totpSecret, env.encryptionKeys, aad(user.id))
    const step = matchTotpStep(secret, input.code, now)
    const passwordOk = await verifyPassword(input.password, user.passwordHash)
    if (!passwordOk || step === null || step <= (user.totpLastStep ?? -1)) throw wrongCode()

    await database.db
      .update(users)
      .set({ totpSecret: null, totpEnabledAt: null, totpLastStep: null, updatedAt: now })
      .where(eq(users.id, user.id))
    return c.json({ message: 'Two-factor authentication is off.' }, 200)
  }

  return { getMe, startTwoFactor, enableTwoFactor, disableTwoFactor }
}
