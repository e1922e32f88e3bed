import { error, json } from '@sveltejs/kit'
import { previewTypedAmount } from '#lib/server/offerings.ts'
import type { RequestHandler } from './$types'

/**
 * The payout panel's live preview, for the page's script. A refused amount is still a 200: the
 * answer is the message to show, not a failure of the request.
 */
export const GET: RequestHandler = async ({ locals, params, url }) => {
  const text = url.searchParams.get('amount') ?? ''
  if (text.length > 40) error(400, 'The amount is too long.')

  const state = await previewTypedAmount(locals.api, params.slug, text)
  if (state.kind === 'unavailable') error(404, state.message)

  return json(state, { headers: { 'cache-control': 'private, no-store' } })
}
