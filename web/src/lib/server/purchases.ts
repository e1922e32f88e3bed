import type { InferResponseType } from 'hono/client'
import { z } from 'zod'
import { type ApiClient, type ApiProblem, readProblem, unexpected } from './api.ts'

export type Purchase = InferResponseType<ApiClient['purchases'][':id']['$get'], 200>['purchase']
export type Portfolio = InferResponseType<ApiClient['portfolio']['$get'], 200>['portfolio']

export interface PurchaseOrder {
  offeringId: string
  bankAccountId: string
  amountCents: number
  /** The rate the review step showed: the API refuses the purchase if it has changed since. */
  rateBps: number
}

/**
 * What came of a purchase request. `bought`: a purchase exists (it may still be confirming with
 * the bank). `refused`: no money moved, and the problem says why in the API's words.
 */
export type BuyOutcome =
  | {
      kind: 'bought'
      purchaseId: string /** Made earlier under the same key. */
      replayed: boolean
    }
  | { kind: 'refused'; problem: ApiProblem; purchaseId: string | null }

// A refused purchase that got as far as existing names it, so its record can be shown.
const purchaseIdOf = z.object({ error: z.object({ purchaseId: z.string().optional() }) })

/** A fresh key for one purchase intent; the review step carries it until the investor buys. */
export function createIdempotencyKey(): string {
  return `site-${crypto.randomUUID()}`
}

/** The key as `createIdempotencyKey` makes it; null for anything else (an edited address). */
export function readIdempotencyKey(value: string | null): string | null {
  return value !== null && /^site-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/.test(value)
    ? value
    : null
}

/**
 * Buys a note under an idempotency key. The same key and order replay the first answer, so a
 * double submit or a resent form never buys twice. While the first request with the key is
 * still running the API answers 409 `idempotency_key_in_use`; this waits it out briefly.
 */
export async function buyNote(
  api: ApiClient,
  key: string,
  order: PurchaseOrder,
): Promise<BuyOutcome> {
  for (let attempt = 1; ; attempt++) {
    const response = await api.purchases.$post({
      header: { 'idempotency-key': key },
      json: { ...order, consent: true },
    })
    if (response.status === 201 || response.status === 202) {
      const replayed = response.headers.get('idempotent-replayed') === 'true'
      return { kind: 'bought', purchaseId: (await response.json()).purchase.id, replayed }
    }

    const text = await response.text()
    const problem = await readProblem({ status: response.status, text: async () => text })
    if (problem.code === 'idempotency_key_in_use' && attempt < 10) {
      await Bun.sleep(500)
      continue
    }
    if (![402, 403, 409, 422, 429].includes(problem.status)) throw unexpected(problem)

    const named = purchaseIdOf.safeParse(JSON.parse(text))
    return { kind: 'refused', problem, purchaseId: named.data?.error.purchaseId ?? null }
  }
}

/** One of the investor's purchases, with the debit authorization they gave for it. */
export type PurchaseDetail = InferResponseType<ApiClient['purchases'][':id']['$get'], 200>

/** One of the investor's purchases; null when there is none by that id (or it is not theirs). */
export async function findPurchase(api: ApiClient, id: string): Promise<PurchaseDetail | null> {
  const response = await api.purchases[':id'].$get({ param: { id } })
  if (response.status === 404) return null
  if (response.status !== 200) throw unexpected(await readProblem(response))

  return response.json()
}

/** The investor's purchases, newest first. */
export async function listPurchases(api: ApiClient): Promise<Purchase[]> {
  const response = await api.purchases.$get()
  if (response.status !== 200) throw unexpected(await readProblem(response))

  return (await response.json()).purchases
}

/** Cancels a purchase whose transfer is still pending; a refusal says why. */
export async function cancelPurchase(
  api: ApiClient,
  id: string,
): Promise<{ ok: true } | { ok: false; problem: ApiProblem }> {
  const response = await api.purchases[':id'].cancel.$post({ param: { id }, json: {} })
  if (response.status === 200) return { ok: true }

  const problem = await readProblem(response)
  if (![404, 409, 503].includes(problem.status)) throw unexpected(problem)
  return { ok: false, problem }
}

/** Sends a matured note's held payment to one of the investor's accounts; a refusal says why. */
export async function resendPayment(
  api: ApiClient,
  id: string,
  bankAccountId: string,
): Promise<{ ok: true } | { ok: false; problem: ApiProblem }> {
  const response = await api.purchases[':id'].payment.resend.$post({
    param: { id },
    json: { bankAccountId },
  })
  if (response.status === 200) return { ok: true }

  const problem = await readProblem(response)
  if (![404, 409, 422].includes(problem.status)) throw unexpected(problem)
  return { ok: false, problem }
}

/** What happens to a note at maturity, as `PUT /purchases/{id}/instruction` takes it. */
export type MaturityChoice =
  | { instruction: 'payout' }
  | {
      instruction: 'rollover_all' | 'rollover_principal'
      rolloverOfferingSlug: string
      /** The offering's rate the investor was shown; the API refuses if it has changed. */
      rolloverRateBps?: number
    }

/**
 * Sets what happens to a note at maturity; a refusal says why (the cut-off has passed, Tenor
 * repays the note early, the offering cannot take a rollover, or the choice is invalid).
 */
export async function chooseAtMaturity(
  api: ApiClient,
  id: string,
  choice: MaturityChoice,
): Promise<{ ok: true } | { ok: false; problem: ApiProblem }> {
  const response = await api.purchases[':id'].instruction.$put({ param: { id }, json: choice })
  if (response.status === 200) return { ok: true }

  const problem = await readProblem(response)
  if (![404, 409, 422].includes(problem.status)) throw unexpected(problem)
  return { ok: false, problem }
}

export async function getPortfolio(api: ApiClient): Promise<Portfolio> {
  const response = await api.portfolio.$get()
  if (response.status !== 200) throw unexpected(await readProblem(response))

  return (await response.json()).portfolio
}

/** The CSV statement as the API writes it, with the file name it suggests. */
export async function fetchStatement(
  api: ApiClient,
): Promise<{ csv: string; disposition: string }> {
  const response = await api.portfolio['statement.csv'].$get()
  if (response.status !== 200) throw unexpected(await readProblem(response))

  return {
    csv: await response.text(),
    disposition:
      response.headers.get('content-disposition') ?? 'attachment; filename="tenor-statement.csv"',
  }
}
