import { fail, redirect } from '@sveltejs/kit'
import {
  changeEmail,
  changePassword,
  countRecoveryCodes,
  getPendingEmail,
  listSessions,
  renewRecoveryCodes,
  revokeSession,
  withdrawEmailChange,
} from '#lib/server/account.ts'
import { readProblem, unexpected } from '#lib/server/api.ts'
import {
  type FormFailure,
  readFields,
  readForm,
  rejectForm,
  rejectWithProblem,
} from '#lib/server/forms.ts'
import { requireUser } from '#lib/server/guards.ts'
import { getKyc } from '#lib/server/kyc.ts'
import { signInReasons } from '#lib/server/next-path.ts'
import { deleteSessionCookie } from '#lib/server/session.ts'
import type { Actions, PageServerLoad } from './$types'

export const load: PageServerLoad = async (event) => {
  requireUser(event)

  const { api } = event.locals
  const [response, sessions, kyc, pendingEmail] = await Promise.all([
    api.me.$get(),
    listSessions(api),
    getKyc(api),
    getPendingEmail(api),
  ])
  if (response.status !== 200) throw unexpected(await readProblem(response))
  const { user } = await response.json()
  const recoveryCodesLeft = user.twoFactorEnabled ? await countRecoveryCodes(api) : null
  return { profile: user, sessions, kyc, recoveryCodesLeft, pendingEmail }
}

const wrongCode =
  'The password or the code is not right. App codes change every 30 seconds; a recovery code works once.'

/** The key being set up, carried through a refused code so the page can show it again. */
interface PendingSetup {
  secret: string
  otpauthUri: string
}

export const actions: Actions = {
  resendVerification: async (event) => {
    const { locals } = event
    requireUser(event)

    const response = await locals.api.auth['resend-verification'].$post({ json: {} })
    if (response.status === 202) return { form: 'resend', sent: true }

    return rejectWithProblem(await readProblem(response), 'resend', [])
  },

  startTwoFactor: async (event) => {
    const { locals } = event
    requireUser(event)

    const response = await locals.api.me['two-factor'].setup.$post({ json: {} })
    if (response.status === 200) return { form: 'setup', setup: await response.json() }

    return rejectWithProblem(await readProblem(response), 'setup', [])
  },

  enableTwoFactor: async (event) => {
    const { request, locals } = event
    requireUser(event)

    const input = readFields(await readForm(request), ['code', 'password', 'secret', 'otpauthUri'])
    const setup: PendingSetup = { secret: input.secret, otpauthUri: input.otpauthUri }
    const code = input.code.replace(/\s+/g, '')

    const response = await locals.api.me['two-factor'].enable.$post({
      json: { code, password: input.password },
    })
    if (response.status === 200) {
      const { message, recoveryCodes } = await response.json()
      return { form: 'enable', enabled: true, message, recoveryCodes }
    }

    const problem = await readProblem(response)
    if (problem.code === 'two_factor_not_started') {
      return rejectForm(400, { form: 'setup', message: 'Setup timed out. Start again.' })
    }
    if (problem.status === 400 || problem.status === 422) {
      // A wrong password or code is one answer, not told apart; a missing field is its own.
      const errors =
        problem.status === 422
          ? Object.fromEntries(problem.issues.map((issue) => [issue.path, issue.message]))
          : { code: problem.message }
      const failure: FormFailure = { form: 'enable', message: null, errors, values: {} }
      return fail(problem.status, { ...failure, setup })
    }
    return rejectWithProblem(problem, 'enable', ['code', 'password'])
  },

  disableTwoFactor: async (event) => {
    const { request, locals } = event
    requireUser(event)

    const input = readFields(await readForm(request), ['password', 'code'])
    const code = input.code.replace(/\s+/g, '')

    const response = await locals.api.me['two-factor'].disable.$post({
      json: { password: input.password, code },
    })
    if (response.status === 200) return { form: 'disable', disabled: true }

    const problem = await readProblem(response)
    if (problem.status === 400) return rejectForm(400, { form: 'disable', message: wrongCode })
    return rejectWithProblem(problem, 'disable', ['password', 'code'])
  },

  renewRecoveryCodes: async (event) => {
    const { request, locals } = event
    requireUser(event)

    const input = readFields(await readForm(request), ['password', 'code'])
    const outcome = await renewRecoveryCodes(locals.api, {
      password: input.password,
      code: input.code.replace(/\s+/g, ''),
    })
    if (outcome.ok) return { form: 'recovery', recoveryCodes: outcome.value.recoveryCodes }

    const { problem } = outcome
    if (problem.status === 400) return rejectForm(400, { form: 'recovery', message: wrongCode })
    return rejectWithProblem(problem, 'recovery', ['password', 'code'])
  },

  changeEmail: async (event) => {
    const { request, locals } = event
    requireUser(event)

    const input = readFields(await readForm(request), ['newEmail', 'password'])
    const values = { newEmail: input.newEmail }

    const outcome = await changeEmail(locals.api, input)
    if (outcome.ok) return { form: 'email', requested: input.newEmail.trim() }

    const { problem } = outcome
    if (problem.code === 'wrong_password') {
      return rejectForm(400, { form: 'email', values, errors: { password: problem.message } })
    }
    return rejectWithProblem(problem, 'email', ['newEmail', 'password'], values)
  },

  withdrawEmailChange: async (event) => {
    requireUser(event)
    await withdrawEmailChange(event.locals.api)
    return { form: 'email', withdrawn: true }
  },

  changePassword: async (event) => {
    const { request, locals } = event
    requireUser(event)

    const input = readFields(await readForm(request), ['currentPassword', 'newPassword'])

    const outcome = await changePassword(locals.api, input)
    if (outcome.ok) return { form: 'password', sessionsEnded: outcome.value.sessionsEnded }

    const { problem } = outcome
    if (problem.code === 'wrong_password') {
      return rejectForm(400, { form: 'password', errors: { currentPassword: problem.message } })
    }
    return rejectWithProblem(problem, 'password', ['currentPassword', 'newPassword'])
  },

  revokeSession: async (event) => {
    const { request, locals } = event
    requireUser(event)

    const { sessionId } = readFields(await readForm(request), ['sessionId'])

    const outcome = await revokeSession(locals.api, sessionId)
    if (outcome.ok) return { form: 'sessions', revoked: true }

    return rejectForm(404, {
      form: 'sessions',
      message: 'That session had already ended. The list below is up to date.',
    })
  },

  logoutEverywhere: async (event) => {
    const { locals, cookies } = event
    requireUser(event)

    const response = await locals.api.auth['logout-all'].$post({ json: {} })
    if (response.status !== 200 && response.status !== 401) {
      throw unexpected(await readProblem(response))
    }

    deleteSessionCookie(cookies)
    redirect(303, `/login?session=${signInReasons.everywhere}`)
  },
}
