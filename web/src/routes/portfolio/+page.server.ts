import { requireUser } from '#lib/server/guards.ts'
import type { PageServerLoad } from './$types'

export const load: PageServerLoad = (event) => {
  const user = requireUser(event)
  return { emailVerified: user.emailVerified }
}
