import { listOfferings } from '#lib/server/admin-offerings.ts'
import {
  readFilterValues,
  searchPurchases,
  toFilterErrors,
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
  // Filters that cannot be read find nothing: the page names them and offers no results or export.
  if (!read.ok) return { ...base, purchases: null, errors: read.errors, others: [] }
  // An id typed into the address that names no offering would otherwise read as "no purchases".
  if (values.offeringId && !offerings.some((o) => o.id === values.offeringId)) {
    const errors = { offeringId: 'No offering has this id. Choose one from the list.' }
    return { ...base, purchases: null, errors, others: [] }
  }
  if (!found?.ok) {
    const problem = found?.problem
    const { errors, others } = toFilterErrors(problem?.issues ?? [])
    const unnamed = Object.keys(errors).length === 0 && others.length === 0
    return { ...base, purchases: null, errors, others: unnamed ? [problem?.message] : others }
  }

  return { ...base, purchases: found.value, errors: {}, others: [] }
}
