import { error } from '@sveltejs/kit'
import { getEnv, hasDevTools } from '#lib/server/env.ts'
import { listMailbox } from '#lib/server/mailbox.ts'
import type { PageServerLoad } from './$types'

export const load: PageServerLoad = async ({ locals, url }) => {
  if (!hasDevTools(getEnv())) error(404, 'Not found')

  // An address is at most 254 characters; anything longer can match no mailbox.
  const to = (url.searchParams.get('to')?.trim() ?? '').slice(0, 254)
  return { to, messages: await listMailbox(locals.requestId, to) }
}
