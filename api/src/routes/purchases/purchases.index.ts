import type { AppDeps, AuthedEnv } from '../../context.ts'
import { createRouter } from '../../lib/openapi.ts'
import { rateLimitRules as rules } from '../../lib/rate-limit-rules.ts'
import { rateLimits } from '../../middleware/rate-limit.ts'
import { requireUser } from '../../middleware/session.ts'
import { createPurchaseHandlers } from './purchases.handlers.ts'
import { createInstructionHandler, setInstruction } from './purchases.instruction.ts'
import { createResendPaymentHandler, resendPayment } from './purchases.payment.ts'
import * as routes from './purchases.routes.ts'

/** Investor only, and only ever the caller's own purchases. */
export function createPurchaseRoutes(deps: AppDeps) {
  const handlers = createPurchaseHandlers(deps)
  const router = createRouter<AuthedEnv>()
  router.use(requireUser())
  router.use('/', ...rateLimits(deps, rules.purchaseByUser))
  return router
    .openapi(routes.createPurchase, handlers.create)
    .openapi(routes.listPurchases, handlers.list)
    .openapi(routes.getPurchase, handlers.get)
    .openapi(routes.cancelPurchase, handlers.cancel)
    .openapi(setInstruction, createInstructionHandler(deps))
    .openapi(resendPayment, createResendPaymentHandler(deps))
}
