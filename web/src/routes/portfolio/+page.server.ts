import { requireUser } from '#lib/server/guards.ts'
import { getPortfolio, listPurchases } from '#lib/server/purchases.ts'
import type { PageServerLoad } from './$types'

export const load: PageServerLoad = async (event) => {
  const user = requireUser(event)
  const [portfolio, purchases] = await Promise.all([
    getPortfolio(event.locals.api),
    listPurchases(event.locals.api),
  ])

  // Everything returned here is also written into the page for hydration; only what the page
  // shows goes. Whole purchase records (history, payout previews, bank account ids) and the
  // maturity list (the holdings again) would be most of the page's weight and render time.
  const { upcomingMaturities: _, ...shown } = portfolio
  return {
    emailVerified: user.emailVerified,
    portfolio: shown,
    purchases: purchases.map(({ id, createdAt, offeringName, amountCents, state }) => ({
      id,
      createdAt,
      offeringName,
      amountCents,
      state,
    })),
  }
}
