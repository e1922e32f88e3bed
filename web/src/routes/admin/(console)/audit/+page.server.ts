import { listAudit } from '#lib/server/admin-governance.ts'
import { requireAdmin } from '#lib/server/guards.ts'
import type { PageServerLoad } from './$types'

export const load: PageServerLoad = async (event) => {
  requireAdmin(event)

  const targetId = (event.url.searchParams.get('target') ?? '').trim().slice(0, 64)
  return { targetId, events: await listAudit(event.locals.api, { targetId, limit: 200 }) }
}
