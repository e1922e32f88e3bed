import { listOfferings } from '#lib/server/admin-offerings.ts'
import {
  readFilterValues,
  searchPurchases,
  toPurchaseFilters,
} from '#lib/server/admin-purchases.ts'
import { requireAdmin } from '#lib/server/guards.ts'
import type { PageServerLoad } from './$types'

export const load: PageServerLoad = async (event) => {
  requireAdmin(event)

  const { api } = event.locals
  const values = readFilterValues(event.url.searchParams)
  const read = toPurchaseFilters(values)
  const [offerings, found] = await Promise.all([
    listOfferings(api),
    read.ok ? searchPurchases(api, read.filters) : null,
  ])

  const offeringOptions = offerings.map((o) => ({ value: o.id, label: o.name }))
  const base = { values, offeringOptions, query: event.url.searchParams.toString() }
  if (!read.ok) return { ...base, purchases: [], errors: read.errors, message: null }
  if (!found?.ok) {
    const problem = found?.problem
    const errors = Object.fromEntries((problem?.issues ?? []).map((i) => [i.path, i.message]))
    return { ...base, purchases: [], errors, message: problem?.message ?? null }
  }
  return { ...base, purchases: found.value, errors: {}, message: null }
}
