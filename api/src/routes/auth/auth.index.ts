import type { AppDeps, AuthedEnv } from '../../context.ts'
import { createRouter } from '../../lib/openapi.ts'
import { requireUser } from '../../middleware/session.ts'
import { createAuthHandlers } from './auth.handlers.ts'
import * as routes from './auth.routes.ts'

export function createAuthRoutes(deps: AppDeps) {
  const handlers = createAuthHandlers(deps)

  const signedIn = createRouter<AuthedEnv>()
  signedIn.use('/login/two-factor', requireUser({ allowPendingTwoFactor: true }))
  signedIn.use('/logout', requireUser({ allowPendingTwoFactor: true }))
  signedIn.use('/logout-all', requireUser())
  signedIn.use('/resend-verification', requireUser())
  signedIn.use('/session', requireUser())

  return createRouter()
    .openapi(routes.register, handlers.register)
    .openapi(routes.verifyEmail, handlers.verifyEmail)
    .openapi(routes.login, handlers.login)
    .openapi(routes.forgotPassword, handlers.forgotPassword)
    .openapi(routes.resetPassword, handlers.resetPassword)
    .route(
      '/',
      signedIn
        .openapi(routes.loginTwoFactor, handlers.loginTwoFactor)
        .openapi(routes.logout, handlers.logout)
        .openapi(routes.logoutAll, handlers.logoutAll)
        .openapi(routes.resendVerification, handlers.resendVerification)
        .openapi(routes.currentSession, handlers.currentSession),
    )
}
