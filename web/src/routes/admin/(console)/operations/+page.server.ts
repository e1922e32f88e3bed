import { getOperations } from '#lib/server/admin-operations.ts'
import { requireAdmin } from '#lib/server/guards.ts'
import type { PageServerLoad } from './$types'

export const load: PageServerLoad = async (event) => {
  requireAdmin(event)

  return { operations: await getOperations(event.locals.api) }
}
