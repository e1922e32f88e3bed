import { listBanks } from '#lib/server/banks.ts'
import { requireUser } from '#lib/server/guards.ts'
import type { PageServerLoad } from './$types'

const notices = {
  linked: 'Your bank is linked. Its checking and savings accounts can now pay for purchases.',
  reconnected: 'Your bank is reconnected and ready to use again.',
  removed: 'The bank is removed. Your purchases and payouts keep their history.',
} as const

export const load: PageServerLoad = async (event) => {
  const user = requireUser(event)

  const done = event.url.searchParams.get('done')
  const notice = done && done in notices ? notices[done as keyof typeof notices] : null

  // A bank is linked once the account's address is confirmed.
  return { banks: await listBanks(event.locals.api), notice, mayLink: user.emailVerified }
}
