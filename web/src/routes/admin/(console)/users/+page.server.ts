import { searchUsers } from '#lib/server/admin.ts'
import { requireAdmin } from '#lib/server/guards.ts'
import type { PageServerLoad } from './$types'

export const load: PageServerLoad = async (event) => {
  requireAdmin(event)

  const query = (event.url.searchParams.get('query') ?? '').trim().slice(0, 200)
  return { query, users: await searchUsers(event.locals.api, query) }
}
