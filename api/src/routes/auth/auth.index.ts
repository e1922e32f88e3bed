import type { AppDeps, AuthedEnv } from '../../context.ts'
import { createRouter } from '../../lib/openapi.ts'
import { rateLimitRules as rules } from '../../lib/rate-limit-rules.ts'
import { rateLimits } from '../../middleware/rate-limit.ts'
import { requireUser } from '../../middleware/session.ts'
import { createAuthHandlers } from './auth.handlers.ts'
import { createResetHandlers } from './auth.reset.ts'
import * as routes from './auth.routes.ts'

export function createAuthRoutes(deps: AppDeps) {
  const handlers = createAuthHandlers(deps)
  const reset = createResetHandlers(deps)

  const signedIn = createRouter<AuthedEnv>()
  signedIn.use('/login/two-factor', requireUser({ allowPendingTwoFactor: true }))
  signedIn.use(
    '/login/two-factor',
    ...rateLimits(deps, rules.twoFactorByAddress, rules.twoFactorByUser),
  )
  signedIn.use('/logout', requireUser({ allowPendingTwoFactor: true }))
  signedIn.use('/logout-all', requireUser())
  signedIn.use('/resend-verification', requireUser())
  signedIn.use('/resend-verification', ...rateLimits(deps, rules.resendByUser))
  signedIn.use('/session', requireUser())

  // Limits run before validation, so malformed floods are counted too.
  const open = createRouter()
  open.use(
    '/login',
    ...rateLimits(deps, rules.loginByAddress, rules.loginByAccount, rules.loginByAccountLong),
  )
  open.use(
    '/register',
    ...rateLimits(
      deps,
      rules.registerAttemptsByAddress,
      rules.registerByAddress,
      rules.registerByEmail,
    ),
  )
  open.use('/forgot-password', ...rateLimits(deps, rules.forgotByAddress, rules.forgotByEmail))
  open.use('/reset-password', ...rateLimits(deps, rules.resetByAddress))
  open.use('/reset-password/check', ...rateLimits(deps, rules.resetByAddress))
  open.use('/verify-email', ...rateLimits(deps, rules.verifyByAddress))

  return open
    .openapi(routes.register, handlers.register)
    .openapi(routes.verifyEmail, handlers.verifyEmail)
    .openapi(routes.login, handlers.login)
    .openapi(routes.forgotPassword, reset.forgotPassword)
    .openapi(routes.resetPassword, reset.resetPassword)
    .openapi(routes.checkResetToken, reset.checkResetToken)
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
