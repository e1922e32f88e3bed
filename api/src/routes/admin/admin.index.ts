import { users } from '@tenor/db/schema'
import { desc, or, sql } from 'drizzle-orm'
import type { AppDeps, AuthedEnv } from '../../context.ts'
import { createRouter } from '../../lib/openapi.ts'
import { requireAdmin, requireUser } from '../../middleware/session.ts'
import * as routes from './admin.routes.ts'

/** Every admin route sits behind requireUser and requireAdmin, enforced here, not in the site. */
export function createAdminRoutes(deps: AppDeps) {
  const router = createRouter<AuthedEnv>()
  router.use(requireUser(), requireAdmin)

  return router.openapi(routes.listUsers, async (c) => {
    const { query, limit } = c.req.valid('query')
    // LIKE wildcards typed by the admin are matched literally.
    const pattern = query ? `%${query.toLowerCase().replace(/[\\%_]/g, '\\$&')}%` : undefined
    const rows = await deps.database.db
      .select()
      .from(users)
      .where(
        pattern
          ? or(
              sql`${users.email} like ${pattern} escape '\\'`,
              sql`lower(${users.legalName}) like ${pattern} escape '\\'`,
            )
          : undefined,
      )
      .orderBy(desc(users.createdAt))
      .limit(Math.min(Number(limit ?? 50), 200))
    return c.json(
      {
        users: rows.map((row) => ({
          id: row.id,
          email: row.email,
          legalName: row.legalName,
          role: row.role,
          status: row.status,
          emailVerified: row.emailVerifiedAt !== null,
          kycStatus: row.kycStatus,
          twoFactorEnabled: row.totpEnabledAt !== null,
          createdAt: row.createdAt.toISOString(),
        })),
      },
      200,
    )
  })
}
