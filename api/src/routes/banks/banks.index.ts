import type { AppDeps, AuthedEnv } from '../../context.ts'
import { createRouter } from '../../lib/openapi.ts'
import { rateLimitRules as rules } from '../../lib/rate-limit-rules.ts'
import { signedInRateLimits } from '../../middleware/rate-limit.ts'
import { requireUser } from '../../middleware/session.ts'
import { createBankHandlers } from './banks.handlers.ts'
import * as routes from './banks.routes.ts'

export function createBankRoutes(deps: AppDeps) {
  const handlers = createBankHandlers(deps)
  const router = createRouter<AuthedEnv>()
  router.use(requireUser())
  router.use(
    '/link-token',
    ...signedInRateLimits(deps, rules.linkTokenByUser, rules.linkTokenByAddress),
  )
  return router
    .openapi(routes.listBanks, handlers.list)
    .openapi(routes.createLinkToken, handlers.linkToken)
    .openapi(routes.linkBank, handlers.link)
    .openapi(routes.markReconnected, handlers.reconnected)
    .openapi(routes.removeBank, handlers.remove)
}
