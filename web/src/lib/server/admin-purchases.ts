import type { InferRequestType, InferResponseType } from 'hono/client'
import { parseDollars } from '#lib/amount.ts'
import { purchaseStateOptions } from '#lib/purchase-state-options.ts'
import { type AdminApi, type AdminOutcome, readAdminProblem, refused } from './admin.ts'
import { type ApiClient, type ApiIssue, unexpected } from './api.ts'

export type AdminPurchase = InferResponseType<
  AdminApi['purchases']['$get'],
  200
>['purchases'][number]
export type AdminPurchaseDetail = InferResponseType<
  AdminApi['purchases'][':purchaseId']['$get'],
  200
>
export type PurchaseFilters = InferRequestType<AdminApi['purchases']['$get']>['query']

/** The search form's fields as typed: amounts in dollars, dates as `YYYY-MM-DD`. */
export const filterFields = ['offeringId', 'email', 'state', 'from', 'to', 'min', 'max'] as const
export type FilterValues = Record<(typeof filterFields)[number], string>

/** Reads the search form from a query string; a field left empty filters nothing. */
export function readFilterValues(params: URLSearchParams): FilterValues {
  const values = {} as FilterValues
  for (const field of filterFields) values[field] = (params.get(field) ?? '').trim().slice(0, 254)
  return values
}

/**
 * The API's filters for what was typed. Amounts that are not dollar amounts and states the
 * select does not offer (an edited address) are refused here; the API judges the rest (dates,
 * ids) and answers 422 for what it cannot read.
 */
export function toPurchaseFilters(
  values: FilterValues,
): { ok: true; filters: PurchaseFilters } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {}
  const cents = (field: 'min' | 'max') => {
    if (!values[field]) return undefined
    const parsed = parseDollars(values[field])
    if (parsed === null) errors[field] = 'Enter an amount in dollars, like 1,000.'
    return parsed === null ? undefined : String(parsed)
  }
  const minCents = cents('min')
  const maxCents = cents('max')
  // A range that is empty by construction is a slip, not a search with no results.
  if (minCents !== undefined && maxCents !== undefined && Number(minCents) > Number(maxCents)) {
    errors.max = 'The highest amount is below the lowest.'
  }
  if (values.state && !purchaseStateOptions.some((option) => option.value === values.state)) {
    errors.state = 'Choose a state from the list.'
  }
  if (values.from && values.to && values.from > values.to) {
    errors.to = 'The last day is before the first.'
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors }

  const filters: PurchaseFilters = {
    offeringId: values.offeringId || undefined,
    email: values.email || undefined,
    state: (values.state || undefined) as PurchaseFilters['state'],
    from: values.from || undefined,
    to: values.to || undefined,
    minCents,
    maxCents,
  }
  return { ok: true, filters }
}

/** The API's names for the filters the form names otherwise. */
const formFieldOf: Record<string, (typeof filterFields)[number]> = {
  minCents: 'min',
  maxCents: 'max',
}

/**
 * The API's refusal of a search, per form field, so each message stands beside the filter it is
 * about. Issues about no field of the form (an edited address's extra parameter) are `others`.
 */
export function toFilterErrors(issues: ApiIssue[]): {
  errors: Record<string, string>
  others: string[]
} {
  const errors: Record<string, string> = {}
  const others: string[] = []
  for (const issue of issues) {
    const field = formFieldOf[issue.path] ?? issue.path
    if ((filterFields as readonly string[]).includes(field)) errors[field] ??= issue.message
    else others.push(`${issue.path}: ${issue.message}`)
  }

  return { errors, others }
}

/** Purchases matching the filters, newest first (at most 200). */
export async function searchPurchases(
  api: ApiClient,
  filters: PurchaseFilters,
): Promise<AdminOutcome<AdminPurchase[]>> {
  const response = await api.admin.purchases.$get({ query: filters })
  if (response.status === 200) return { ok: true, value: (await response.json()).purchases }

  return refused(await readAdminProblem(response), [422])
}

/** One purchase with its state history, transfer events and ledger entries; null if none. */
export async function findPurchase(
  api: ApiClient,
  purchaseId: string,
): Promise<AdminPurchaseDetail | null> {
  const response = await api.admin.purchases[':purchaseId'].$get({ param: { purchaseId } })
  if (response.status === 200) return response.json()

  const problem = await readAdminProblem(response)
  if (problem.status === 404) return null
  throw unexpected(problem)
}

/** A whole export may take minutes to write; a stalled one still ends. */
const exportTimeoutMs = 10 * 60_000

/**
 * The same search as a CSV file, as the API writes it (formula-guarded cells), passed on as it
 * arrives: every matching purchase, however many.
 */
export async function exportPurchases(
  api: ApiClient,
  filters: PurchaseFilters,
): Promise<AdminOutcome<{ body: ReadableStream<Uint8Array>; disposition: string }>> {
  const response = await api.admin['purchases.csv'].$get(
    { query: filters },
    { init: { signal: AbortSignal.timeout(exportTimeoutMs) } },
  )
  if (response.status === 200 && response.body) {
    return {
      ok: true,
      value: {
        body: response.body,
        disposition:
          response.headers.get('content-disposition') ??
          'attachment; filename="tenor-purchases.csv"',
      },
    }
  }

  return refused(await readAdminProblem(response), [422])
}

/** Asks a second administrator to approve refunding a pending or active purchase. */
export async function requestRefund(
  api: ApiClient,
  purchaseId: string,
  reason: string,
): Promise<AdminOutcome<{ approvalId: string }>> {
  const response = await api.admin.purchases[':purchaseId'].refund.$post({
    param: { purchaseId },
    json: { reason },
  })
  if (response.status === 202) return { ok: true, value: await response.json() }

  return refused(await readAdminProblem(response), [404, 409, 422])
}

/**
 * Asks a second administrator to decide a payout withheld for review: release it (the money is
 * judged safe to pay, on what the page showed: `seenThroughEventId`), or cancel it (the debit
 * that paid for the note came back after it matured).
 */
export async function requestPayoutDecision(
  api: ApiClient,
  purchaseId: string,
  ask:
    | { decision: 'release'; reason: string; seenThroughEventId: number }
    | { decision: 'cancel'; reason: string },
): Promise<AdminOutcome<{ approvalId: string }>> {
  const payment = api.admin.purchases[':purchaseId'].payment
  const param = { purchaseId }
  const response =
    ask.decision === 'release'
      ? await payment.release.$post({
          param,
          json: { reason: ask.reason, seenThroughEventId: ask.seenThroughEventId },
        })
      : await payment.cancel.$post({ param, json: { reason: ask.reason } })
  if (response.status === 202) return { ok: true, value: await response.json() }

  return refused(await readAdminProblem(response), [404, 409, 422])
}
