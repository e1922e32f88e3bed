import type { AppDeps, AuthedEnv } from '../../context.ts'
import { createRouter } from '../../lib/openapi.ts'
import { requireAdmin, requireUser } from '../../middleware/session.ts'
import { createAdminHandlers } from './admin.handlers.ts'
import * as routes from './admin.routes.ts'
import { createUserActionHandlers } from './admin.users.ts'
import { createGovernanceHandlers } from './governance.handlers.ts'
import * as governance from './governance.routes.ts'
import { createAdminOfferingHandlers, refusedEdit, refusedTerms } from './offerings.handlers.ts'
import * as offeringRoutes from './offerings.routes.ts'
import { createOperationsHandler, createRetryEmailHandler } from './operations.handlers.ts'
import * as operationsRoutes from './operations.routes.ts'
import { createAdminPurchaseHandlers } from './purchases.handlers.ts'
import * as purchaseRoutes from './purchases.routes.ts'

/** Every admin route sits behind requireUser and requireAdmin, enforced here, not in the site. */
export function createAdminRoutes(deps: AppDeps) {
  const handlers = createAdminHandlers(deps)
  const userActions = createUserActionHandlers(deps)
  const offerings = createAdminOfferingHandlers(deps)
  const governed = createGovernanceHandlers(deps)
  const purchases = createAdminPurchaseHandlers(deps)
  const router = createRouter<AuthedEnv>()
  router.use(requireUser(), requireAdmin)

  return router
    .openapi(routes.listUsers, handlers.listUsers)
    .openapi(routes.getUser, handlers.getUser)
    .openapi(routes.decideKyc, handlers.decideKyc)
    .openapi(routes.disableUser, userActions.disable)
    .openapi(routes.enableUser, userActions.enable)
    .openapi(routes.setRole, userActions.setRole)
    .openapi(offeringRoutes.listOfferings, offerings.list)
    .openapi(offeringRoutes.getOffering, offerings.get)
    .openapi(offeringRoutes.createOffering, offerings.create, (result, c) =>
      refusedTerms(result, c),
    )
    .openapi(offeringRoutes.editOffering, offerings.edit, (result, c) =>
      refusedEdit(offerings.load, result, c),
    )
    .openapi(offeringRoutes.requestPublish, offerings.publish)
    .openapi(offeringRoutes.closeOffering, offerings.close)
    .openapi(offeringRoutes.requestCancellation, offerings.cancel)
    .openapi(offeringRoutes.requestRateChange, offerings.rate)
    .openapi(governance.listApprovals, governed.listApprovals)
    .openapi(governance.approve, governed.approve)
    .openapi(governance.reject, governed.reject)
    .openapi(governance.withdraw, governed.withdraw)
    .openapi(governance.listAudit, governed.listAudit)
    .openapi(purchaseRoutes.exportPurchases, purchases.exportPurchases)
    .openapi(purchaseRoutes.searchPurchases, purchases.searchPurchases)
    .openapi(purchaseRoutes.getPurchase, purchases.getPurchase)
    .openapi(purchaseRoutes.requestRefund, purchases.requestRefund)
    .openapi(purchaseRoutes.requestPayoutRelease, purchases.requestPayoutRelease)
    .openapi(purchaseRoutes.requestPayoutCancel, purchases.requestPayoutCancel)
    .openapi(operationsRoutes.getOperations, createOperationsHandler(deps))
    .openapi(operationsRoutes.retryEmail, createRetryEmailHandler(deps))
}
