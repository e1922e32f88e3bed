import { requireUser } from '#lib/server/guards.ts'
import { getPortfolio, listPurchases } from '#lib/server/purchases.ts'
import type { PageServerLoad } from './$types'

export const load: PageServerLoad = async (event) => {
  const user = requireUser(event)
  const [portfolio, purchases] = await Promise.all([
    getPortfolio(event.locals.api),
    listPurchases(event.locals.api),
  ])

  return { emailVerified: user.emailVerified, portfolio, purchases }
}
