import type { InferResponseType } from 'hono/client'
import { parseDollars, unreadableAmount } from '#lib/amount.ts'
import { type ApiClient, readProblem, unexpected } from './api.ts'

type OfferingAnswer = InferResponseType<ApiClient['offerings'][':slug']['$get'], 200>
type PreviewAnswer = InferResponseType<ApiClient['offerings'][':slug']['preview']['$get'], 200>

export type Offering = OfferingAnswer['offering']
export type PayoutPreview = PreviewAnswer['preview']

/** A preview, or the reason the offering does not accept that amount, in the API's words. */
export type PreviewResult =
  | { kind: 'preview'; preview: PayoutPreview }
  | { kind: 'refused'; message: string }

/** Offerings open for purchase today, shortest term first. */
export async function listOpenOfferings(api: ApiClient): Promise<Offering[]> {
  const response = await api.offerings.$get()
  if (response.status !== 200) throw unexpected(await readProblem(response))

  return (await response.json()).offerings
}

/** One offering, open or not; null when there is no such offering (drafts included). */
export async function findOffering(api: ApiClient, slug: string): Promise<Offering | null> {
  const response = await api.offerings[':slug'].$get({ param: { slug } })
  if (response.status === 404) return null
  if (response.status !== 200) throw unexpected(await readProblem(response))

  return (await response.json()).offering
}

/**
 * The exact payout at maturity for an amount whose debit settles on the next banking day. Null
 * when the offering is gone; an amount outside the offering's limits comes back as `refused`
 * with the reason.
 */
export async function previewPayout(
  api: ApiClient,
  slug: string,
  amountCents: number,
): Promise<PreviewResult | null> {
  const response = await api.offerings[':slug'].preview.$get({
    param: { slug },
    query: { amountCents: String(amountCents) },
  })
  if (response.status === 200) return { kind: 'preview', preview: (await response.json()).preview }
  if (response.status === 404) return null

  const problem = await readProblem(response)
  if (problem.status !== 422) throw unexpected(problem)

  return { kind: 'refused', message: problem.issues[0]?.message ?? problem.message }
}

/** What the payout panel shows for a typed amount: the payout, or why there is none. */
export type PreviewState = PreviewResult | { kind: 'unavailable'; message: string }

/**
 * The payout for an amount as the investor typed it ("1,000", "$2,500.50"). Text that is not
 * an amount is answered here, without asking the API.
 */
export async function previewTypedAmount(
  api: ApiClient,
  slug: string,
  text: string,
): Promise<PreviewState> {
  const cents = parseDollars(text)
  if (cents === null) return { kind: 'refused', message: unreadableAmount(text) }

  const result = await previewPayout(api, slug, cents)
  return result ?? { kind: 'unavailable', message: 'This offering is no longer available.' }
}
