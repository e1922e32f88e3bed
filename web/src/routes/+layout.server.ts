import { banksNeedingReconnect, listBanks } from '#lib/server/banks.ts'
import { getEnv, hasDevTools } from '#lib/server/env.ts'
import type { LayoutServerLoad } from './$types'

export const load: LayoutServerLoad = async ({ locals, url, request }) => {
  // Read so the layout's data is sent again on every navigation: a bank can fail between two
  // pages, and the session check of each request (hooks.server.ts) brings the banks to reconnect.
  void url.pathname

  return {
    user: locals.user,
    devTools: hasDevTools(getEnv()),
    supportEmail: getEnv().supportEmail,
    reconnect: isAfterAction(request) ? await askAgain(locals) : locals.banksToReconnect,
  }
}

/** A form posted without JavaScript renders its page in the same request, after the action. */
function isAfterAction(request: Request): boolean {
  return request.method !== 'GET' && request.method !== 'HEAD'
}

/**
 * The action may have just reconnected (or removed) a bank, after the session check was made.
 * The banner is a reminder, not the page: if the API cannot answer, the page still renders.
 */
async function askAgain(locals: App.Locals): Promise<string[]> {
  if (!locals.user) return []
  try {
    const banks = banksNeedingReconnect(await listBanks(locals.api))
    return banks.map((bank) => bank.institutionName ?? 'Your bank')
  } catch (error) {
    locals.log.warn('reconnect banner skipped', { error })
    return []
  }
}
