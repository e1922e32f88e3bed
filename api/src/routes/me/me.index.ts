import type { AppDeps, AuthedEnv } from '../../context.ts'
import { createRouter } from '../../lib/openapi.ts'
import { requireUser } from '../../middleware/session.ts'
import { createMeHandlers } from './me.handlers.ts'
import * as routes from './me.routes.ts'
import { createSettingsHandlers } from './me.settings.ts'

export function createMeRoutes(deps: AppDeps) {
  const handlers = createMeHandlers(deps)
  const settings = createSettingsHandlers(deps)
  const router = createRouter<AuthedEnv>()
  router.use(requireUser())
  return router
    .openapi(routes.getMe, handlers.getMe)
    .openapi(routes.startTwoFactor, handlers.startTwoFactor)
    .openapi(routes.enableTwoFactor, handlers.enableTwoFactor)
    .openapi(routes.disableTwoFactor, handlers.disableTwoFactor)
    .openapi(routes.getRecoveryCodes, handlers.getRecoveryCodes)
    .openapi(routes.renewRecoveryCodes, handlers.renewRecoveryCodes)
    .openapi(routes.changePassword, settings.changePassword)
    .openapi(routes.changeEmail, settings.changeEmail)
    .openapi(routes.getPendingEmail, settings.getPendingEmail)
    .openapi(routes.withdrawEmailChange, settings.withdrawEmailChange)
    .openapi(routes.listSessions, settings.listSessions)
    .openapi(routes.revokeSession, settings.revokeSession)
}
