import { error } from '@sveltejs/kit'
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

  const read = toPurchaseFilters(readFilterValues(event.url.searchParams))
  if (!read.ok) error(400, Object.values(read.errors).join(' '))

  const outcome = await exportPurchases(event.locals.api, read.filters)
  if (!outcome.ok) error(400, outcome.problem.message)

  return new Response(outcome.value.body, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': outcome.value.disposition,
      'cache-control': 'no-store',
    },
  })
}
