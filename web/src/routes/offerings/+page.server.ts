import { listOpenOfferings } from '#lib/server/offerings.ts'
import type { PageServerLoad } from './$types'

export const load: PageServerLoad = async ({ locals }) => {
  return { offerings: await listOpenOfferings(locals.api) }
}
