import { error } from '@sveltejs/kit'
import { findPurchase } from '#lib/server/admin-purchases.ts'
import { requireAdmin } from '#lib/server/guards.ts'
import type { PageServerLoad } from './$types'

export const load: PageServerLoad = async (event) => {
  requireAdmin(event)

  const found = await findPurchase(event.locals.api, event.params.id)
  if (!found) error(404, 'There is no purchase with that id.')

  return found
}
