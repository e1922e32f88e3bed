import { redirect } from '@sveltejs/kit'
import {
  exportPurchases,
  readFilterValues,
  toPurchaseFilters,
} from '#lib/server/admin-purchases.ts'
import { requireAdmin } from '#lib/server/guards.ts'
import type { RequestHandler } from './$types'

/** The admin purchase search as a CSV download, streamed through from the API as it writes it. */
export const GET: RequestHandler = async (event) => {
  requireAdmin(event)

  // Filters that cannot be read export nothing: back to the search, which names what is wrong.
  const search = `/admin/purchases?${event.url.searchParams}`
  const read = toPurchaseFilters(readFilterValues(event.url.searchParams))
  if (!read.ok) redirect(303, search)

  const outcome = await exportPurchases(event.locals.api, read.filters)
  if (!outcome.ok) redirect(303, search)

  return new Response(outcome.value.body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': outcome.value.disposition,
      'cache-control': 'no-store',
    },
  })
}
