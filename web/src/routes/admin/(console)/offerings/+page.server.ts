import { listOfferings } from '#lib/server/admin-offerings.ts'
import { requireAdmin } from '#lib/server/guards.ts'
import type { PageServerLoad } from './$types'

export const load: PageServerLoad = async (event) => {
  requireAdmin(event)

  return { offerings: await listOfferings(event.locals.api) }
}
