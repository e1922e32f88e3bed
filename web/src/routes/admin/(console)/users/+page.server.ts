import { kycStatuses } from '#lib/kyc-words.ts'
import { searchUsers } from '#lib/server/admin.ts'
import { requireAdmin } from '#lib/server/guards.ts'
import type { PageServerLoad } from './$types'

export const load: PageServerLoad = async (event) => {
  requireAdmin(event)

  const query = (event.url.searchParams.get('query') ?? '').trim().slice(0, 200)
  // An identity status the console does not know is no filter, as an empty one is.
  const given = event.url.searchParams.get('kyc')
  const kycStatus = kycStatuses.find((status) => status === given)
  return { query, kycStatus, users: await searchUsers(event.locals.api, query, { kycStatus }) }
}
