import { error } from '@sveltejs/kit'
import { getEnv, hasDevTools } from '#lib/server/env.ts'
import { listMailbox } from '#lib/server/mailbox.ts'
import type { PageServerLoad } from './$types'

export const load: PageServerLoad = async ({ locals, url }) => {
  if (!hasDevTools(getEnv())) error(404, 'Not found')

  const to = url.searchParams.get('to')?.trim() ?? ''
  return { to, messages: await listMailbox(locals.requestId, to) }
}
