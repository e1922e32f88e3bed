import { error } from '@sveltejs/kit'
import { requireUser } from '#lib/server/guards.ts'
import type { LayoutServerLoad } from './$types'

export const load: LayoutServerLoad = (event) => {
  const user = requireUser(event)
  if (user.role !== 'admin') error(404, 'Not found')

  // Admin pages show other people's data: never kept by a browser or a proxy.
  event.setHeaders({ 'cache-control': 'no-store' })
  return {}
}
