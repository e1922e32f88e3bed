import { error } from '@sveltejs/kit'
import { formatDollarsInput } from '#lib/format.ts'
import { listBanks } from '#lib/server/banks.ts'
import { findOffering, previewTypedAmount } from '#lib/server/offerings.ts'
import { checkReadiness } from '#lib/server/readiness.ts'
import type { PageServerLoad } from './$types'

export const load: PageServerLoad = async ({ locals, params, url }) => {
  const offering = await findOffering(locals.api, params.slug)
  if (!offering) error(404, 'We cannot find that offering.')

  // Without an amount typed yet, show what the minimum purchase pays.
  const amount = (
    url.searchParams.get('amount') ?? formatDollarsInput(offering.minPurchaseCents)
  ).slice(0, 40)
  const [preview, banks] = await Promise.all([
    previewTypedAmount(locals.api, offering.slug, amount),
    locals.user ? listBanks(locals.api) : [],
  ])

  return {
    offering,
    amount,
    preview,
    readiness: checkReadiness(locals.user, banks, url.pathname + url.search),
  }
}
