import { redirect } from '@sveltejs/kit'
import { requireUser } from '#lib/server/guards.ts'
import type { PageServerLoad } from './$types'

export const load: PageServerLoad = async (event) => {
  const user = requireUser(event)

  // Asked again here rather than trusted from the session: the API decides.
  const response = await event.locals.api.admin.users.$get({ query: { limit: '1' } })
  if (response.status === 200) redirect(303, '/admin')

  return { twoFactorEnabled: user.twoFactorEnabled }
}
