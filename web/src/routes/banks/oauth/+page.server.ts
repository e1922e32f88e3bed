import { requireUser } from '#lib/server/guards.ts'
import type { PageServerLoad } from './$types'

// Where an OAuth bank returns the investor to finish Plaid Link (PLAID_REDIRECT_URI). What Link
// needs to pick up again is kept in the tab that opened it, so the page itself carries nothing.
export const load: PageServerLoad = (event) => {
  requireUser(event)
  return {}
}
