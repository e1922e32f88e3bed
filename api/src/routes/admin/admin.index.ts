import type { AppDeps, AuthedEnv } from '../../context.ts'
import { createRouter } from '../../lib/openapi.ts'
import { requireAdmin, requireUser } from '../../middleware/session.ts'
import { createAdminHandlers } from './admin.handlers.ts'
import * as routes from './admin.routes.ts'

/** Every admin route sits behind requireUser and requireAdmin, enforced here, not in the site. */
export function createAdminRoutes(deps: AppDeps) {
  const handlers = createAdminHandlers(deps)
  const router = createRouter<AuthedEnv>()
  router.use(requireUser(), requireAdmin)

  return router
    .openapi(routes.listUsers, handlers.listUsers)
    .openapi(routes.getUser, handlers.getUser)
    .openapi(routes.decideKyc, handlers.decideKyc)
}
