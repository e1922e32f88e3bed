import { error, redirect } from '@sveltejs/kit'
import { instructionCutoffDays, reminderLeadDays } from '@tenor/db/domain/maturity'
import { findNextMaturity, moveClock, readClock } from '#lib/server/dev-clock.ts'
import { getEnv, hasDevTools } from '#lib/server/env.ts'
import { readFields, readForm, rejectForm, rejectWithProblem } from '#lib/server/forms.ts'
import { checkSession, deleteSessionCookie } from '#lib/server/session.ts'
import type { Actions, PageServerLoad, RequestEvent } from './$types'

export const load: PageServerLoad = async ({ locals, url }) => {
  if (!hasDevTools(getEnv())) error(404, 'Not found')

  const [clock, nextMaturity] = await Promise.all([
    readClock(locals.api),
    locals.user ? findNextMaturity(locals.api) : null,
  ])
  return {
    clock,
    nextMaturity,
    movable: getEnv().appEnv === 'development',
    // Sent on here by a move: whether it ended the visitor's session.
    moved: movedOf(url.searchParams.get('moved')),
    // The maturity calendar: reminded this many days before, the choice closed this many.
    reminderDays: reminderLeadDays,
    closeDays: instructionCutoffDays,
  }
}

export const actions: Actions = {
  advance: async (event) => {
    if (!hasDevTools(getEnv())) error(404, 'Not found')

    const { days } = readFields(await readForm(event.request), ['days'])
    const advanceDays = Number(days)
    if (!Number.isInteger(advanceDays) || advanceDays < 1) {
      return rejectForm(422, { form: 'clock', message: 'Choose how many days to move forward.' })
    }

    return move(event, { advanceDays })
  },

  reset: async (event) => {
    if (!hasDevTools(getEnv())) error(404, 'Not found')

    return move(event, { reset: true })
  },
}

async function move(event: RequestEvent, change: { advanceDays: number } | { reset: true }) {
  const { locals, cookies } = event
  const outcome = await moveClock(locals.api, change)
  if (!outcome.ok) return rejectWithProblem(outcome.problem, 'clock', [])

  locals.log.info('development clock moved', { offsetDays: outcome.clock.offsetDays })
  // Sessions keep real time, but ask rather than assume: render this answer as the visitor's
  // session really stands.
  const loggedOut = locals.user !== null && !(await isStillSignedIn(locals.api))
  if (loggedOut) deleteSessionCookie(cookies)
  // Sent on (303), so reloading the page moves nothing again.
  redirect(303, `/dev/clock?moved=${loggedOut ? 'logged-out' : 'yes'}`)
}

function movedOf(given: string | null): { loggedOut: boolean } | null {
  if (given === 'yes') return { loggedOut: false }
  return given === 'logged-out' ? { loggedOut: true } : null
}

async function isStillSignedIn(api: App.Locals['api']): Promise<boolean> {
  return (await checkSession(api)).kind === 'signed-in'
}
