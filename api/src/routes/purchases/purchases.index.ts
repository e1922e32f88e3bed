import type { Context } from 'hono'
import type { AppDeps, AppEnv, AuthedEnv } from '../../context.ts'
import { createRouter } from '../../lib/openapi.ts'
import { rateLimitRules as rules } from '../../lib/rate-limit-rules.ts'
import { rateLimit } from '../../middleware/rate-limit.ts'
import { requireUser } from '../../middleware/session.ts'
import { holdsStoredAnswer } from '../../purchases/idempotency.ts'
import { createPurchaseHandlers } from './purchases.handlers.ts'
import { createInstructionHandler, setInstruction } from './purchases.instruction.ts'
import { createResendPaymentHandler, resendPayment } from './purchases.payment.ts'
import * as routes from './purchases.routes.ts'

/** Investor only, and only ever the caller's own purchases. */
export function createPurchaseRoutes(deps: AppDeps) {
  const handlers = createPurchaseHandlers(deps)
  const router = createRouter<AuthedEnv>()
  router.use(requireUser())
  router.use('/', rateLimit(deps, rules.purchaseByUser, { exempt: (c) => isReplay(deps, c) }))
  return router
    .openapi(routes.createPurchase, handlers.create)
    .openapi(routes.listPurchases, handlers.list)
    .openapi(routes.getPurchase, handlers.get)
    .openapi(routes.cancelPurchase, handlers.cancel)
    .openapi(setInstruction, createInstructionHandler(deps))
    .openapi(resendPayment, createResendPaymentHandler(deps))
}

/** A purchase retried under a key that already holds its answer, which is replayed as stored. */
function isReplay(deps: AppDeps, c: Context<AppEnv>): Promise<boolean> {
  const user = c.get('user')
  const key = c.req.header('idempotency-key')
  if (!user || !key) return Promise.resolve(false)

  return holdsStoredAnswer(deps.database, { userId: user.id, key, now: deps.wallClock.now() })
}
