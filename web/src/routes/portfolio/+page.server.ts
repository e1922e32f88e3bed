import { requireUser } from '#lib/server/guards.ts'
import { getPortfolio } from '#lib/server/purchases.ts'
import type { PageServerLoad } from './$types'

export const load: PageServerLoad = async (event) => {
  const user = requireUser(event)
  // One call: the holdings and the purchase history come together, with one session check.
  const { history, upcomingMaturities: _, ...portfolio } = await getPortfolio(event.locals.api)

  // Everything returned here is also written into the page for hydration; only what the page
  // shows goes. The maturity list repeats the holdings and would add weight and render time.
  return {
    emailVerified: user.emailVerified,
    kycStatus: user.kycStatus,
    portfolio,
    purchases: history,
  }
}
