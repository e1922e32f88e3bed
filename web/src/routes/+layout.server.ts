import { banksNeedingReconnect, listBanks } from '#lib/server/banks.ts'
import { getEnv, hasDevTools } from '#lib/server/env.ts'
import type { LayoutServerLoad } from './$types'

export const load: LayoutServerLoad = async ({ locals, url }) => {
  // Read so the check runs again on every navigation: a bank can fail between two pages.
  void url.pathname

  return {
    user: locals.user,
    devTools: hasDevTools(getEnv()),
    reconnect: locals.user ? await findBanksToReconnect(locals) : [],
  }
}

/**
 * Names of the investor's banks that need signing in again, for the banner on every page. The
 * banner is a reminder, not the page: if the API cannot answer, the page still renders.
 */
async function findBanksToReconnect(locals: App.Locals): Promise<string[]> {
  try {
    const banks = banksNeedingReconnect(await listBanks(locals.api))
    return banks.map((bank) => bank.institutionName ?? 'Your bank')
  } catch (error) {
    locals.log.warn('reconnect banner skipped', { error })
    return []
  }
}
