import { redirect } from '@sveltejs/kit'
import type { PageServerLoad } from './$types'

/** Purchases are listed with the holdings they became, in the portfolio. */
export const load: PageServerLoad = () => {
  redirect(307, '/portfolio#history-title')
}
