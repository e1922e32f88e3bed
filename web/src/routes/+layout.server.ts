import { getEnv, hasDevTools } from '#lib/server/env.ts'
import type { LayoutServerLoad } from './$types'

export const load: LayoutServerLoad = ({ locals }) => {
  return { user: locals.user, devTools: hasDevTools(getEnv()) }
}
