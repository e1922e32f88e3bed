import type { AppDeps } from '../../context.ts'
import { createRouter } from '../../lib/openapi.ts'
import { createOfferingHandlers } from './offerings.handlers.ts'
import * as routes from './offerings.routes.ts'

/** Public: anyone may browse offerings and preview a payout without signing in. */
export function createOfferingRoutes(deps: AppDeps) {
  const handlers = createOfferingHandlers(deps)
  return createRouter()
    .openapi(routes.listOfferings, handlers.list)
    .openapi(routes.getOffering, handlers.get)
    .openapi(routes.previewOffering, handlers.preview)
}
