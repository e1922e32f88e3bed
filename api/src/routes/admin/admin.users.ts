import type { RouteHandler } from '@hono/zod-openapi'
import type { Tx } from '@tenor/db'
import { sessions, users } from '@tenor/db/schema'
import { and, eq, isNull } from 'drizzle-orm'
import { requestApproval } from '../../admin/approvals.ts'
import { recordAudit } from '../../admin/audit.ts'
import type { AppDeps, AuthedEnv } from '../../context.ts'
import { ApiError, notFound } from '../../lib/errors.ts'
import { voidUserTokens } from '../../lib/user-tokens.ts'
import { toAdminUser } from './admin.handlers.ts'
import type * as routes from './admin.routes.ts'

type UserRow = typeof users.$inferSelect

/** Account status and role changes, each audited; an admin can never lock out the last admin. */
export function createUserActionHandlers(deps: AppDeps) {
  const { database, clock } = deps

  async function change(
    adminId: string,
    userId: string,
    action: string,
    update: (row: UserRow, tx: Tx) => Promise<Partial<UserRow> | ApiError>,
    reason?: string,
  ): Promise<UserRow> {
    const now = clock.now()
    const result = await database.write(async (tx) => {
      const row = await tx.query.users.findFirst({ where: eq(users.id, userId) })
      if (!row) return notFound('user')
      if (userId === adminId) {
        return new ApiError(409, 'own_account', 'Ask another administrator to change your account.')
      }
      const set = await update(row, tx)
      if (set instanceof ApiError) return set
      // Asked for what already holds: nothing to write, no session to end, nothing to audit.
      if (Object.entries(set).every(([key, value]) => row[key as keyof typeof row] === value)) {
        return row
      }

      await tx
        .update(users)
        .set({ ...set, updatedAt: now })
        .where(eq(users.id, userId))
      if (set.status === 'disabled' || set.role === 'investor') {
        // A disabled account's sessions end now; a demoted admin signs in again as an investor.
        await tx
          .update(sessions)
          .set({ revokedAt: now })
          .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
      }
      // Nor does a link mailed before it was disabled (a reset, a change of address) work later.
      if (set.status === 'disabled') await voidUserTokens(tx, userId, now)
      await recordAudit(tx, {
        adminId,
        action,
        targetType: 'user',
        targetId: userId,
        // What the request changed, field by field: enabling also lifts a sign-in pause.
        before: Object.fromEntries(
          Object.keys(set).map((key) => [key, row[key as keyof typeof row]]),
        ),
        after: reason ? { ...set, reason } : set,
        at: now,
      })
      return { ...row, ...set }
    })
    if (result instanceof ApiError) throw result
    return result
  }

  /**
   * Whether taking this user's admin role or account away would leave no active administrator.
   * Counted in the change's own transaction, so two admins removing each other at once cannot
   * both pass.
   */
  async function isLastAdmin(tx: Tx, user: UserRow): Promise<boolean> {
    if (user.role !== 'admin' || user.status !== 'active') return false
    const admins = await tx.$count(users, and(eq(users.role, 'admin'), eq(users.status, 'active')))
    return admins <= 1
  }

  const lastAdmin = () => new ApiError(409, 'last_admin', 'This is the last active administrator.')

  /**
   * Disabling an administrator takes the admin role too: enabling the account again gives back
   * an investor, and making them an administrator again needs a second administrator's approval,
   * like any new one.
   */
  const disable: RouteHandler<typeof routes.disableUser, AuthedEnv> = async (c) => {
    const { userId } = c.req.valid('param')
    const { reason } = c.req.valid('json')
    const row = await change(
      c.get('user').id,
      userId,
      'user.disable',
      async (user, tx) => {
        if (await isLastAdmin(tx, user)) return lastAdmin()
        return { status: 'disabled', role: 'investor' }
      },
      reason,
    )
    c.get('log').info('user disabled', { adminId: c.get('user').id, userId })
    return c.json({ user: toAdminUser(row) }, 200)
  }

  const enable: RouteHandler<typeof routes.enableUser, AuthedEnv> = async (c) => {
    const { userId } = c.req.valid('param')
    const row = await change(c.get('user').id, userId, 'user.enable', async (user) => ({
      status: 'active',
      failedLoginCount: 0,
      lockedUntil: null,
      // An administrator disabled before the role went with the account comes back an investor.
      ...(user.status === 'disabled' && user.role === 'admin' ? { role: 'investor' as const } : {}),
    }))
    return c.json({ user: toAdminUser(row) }, 200)
  }

  const setRole: RouteHandler<typeof routes.setRole, AuthedEnv> = async (c) => {
    const { userId } = c.req.valid('param')
    const { role } = c.req.valid('json')
    const adminId = c.get('user').id
    const target = await database.db.query.users.findFirst({ where: eq(users.id, userId) })
    if (!target) throw notFound('user')
    if (role === 'admin' && target.role !== 'admin') {
      if (userId === adminId) {
        throw new ApiError(409, 'own_account', 'Ask another administrator to change your account.')
      }
      // A second administrator approves every new one (`grantAdminRole`).
      const approvalId = await requestApproval(deps, {
        action: 'user.grant_admin',
        targetType: 'user',
        targetId: userId,
        payload: { email: target.email },
        adminId,
      })
      c.get('log').info('admin role requested', { adminId, userId })
      return c.json({ approvalId, state: 'pending' as const }, 202)
    }
    const row = await change(c.get('user').id, userId, `user.role.${role}`, async (user, tx) =>
      role === 'investor' && (await isLastAdmin(tx, user)) ? lastAdmin() : { role },
    )
    c.get('log').info('user role changed', { adminId: c.get('user').id, userId, role })
    return c.json({ user: toAdminUser(row) }, 200)
  }

  return { disable, enable, setRole }
}
