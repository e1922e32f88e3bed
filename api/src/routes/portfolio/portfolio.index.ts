import type { AppDeps, AuthedEnv } from '../../context.ts'
import { createRouter } from '../../lib/openapi.ts'
import { requireUser } from '../../middleware/session.ts'
import { createPortfolioHandlers } from './portfolio.handlers.ts'
import * as routes from './portfolio.routes.ts'

/** Investor only: the caller's own notes. */
export function createPortfolioRoutes(deps: AppDeps) {
  const handlers = createPortfolioHandlers(deps)
  const router = createRouter<AuthedEnv>()
  router.use(requireUser())
  return router
    .openapi(routes.getPortfolio, handlers.get)
    .openapi(routes.getStatement, handlers.statement)
}
