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
import { type ApiProblem, readProblem, unexpected } from '#lib/server/api.ts'
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
  'The password or the code is not right. Each app code works only once, and a new one comes every 30 seconds; a recovery code also works only once.'
const wrongCodes =
  'The password or one of the codes is not right. Each app code works only once, and a new one comes every 30 seconds; a recovery code also works only once.'

/**
 * Where a refused confirmation's answer shows on the form. A wrong password or code is one
 * answer, not told apart (when moving, any of three fields); a missing or malformed field is its
 * own. No code typed is ever sent back.
 */
function enableRefusal(
  problem: ApiProblem,
  moving: boolean,
): Pick<FormFailure, 'message' | 'errors'> {
  if (problem.status === 422) {
    const errors = Object.fromEntries(problem.issues.map((issue) => [issue.path, issue.message]))
    return { message: null, errors }
  }
  if (problem.code === 'current_code_required') {
    const errors = { currentCode: 'Enter a code from your current app, or a recovery code.' }
    return { message: null, errors }
  }
  if (problem.code === 'invalid_code') {
    return moving
      ? { message: wrongCodes, errors: {} }
      : { message: null, errors: { code: problem.message } }
  }
  return { message: problem.message, errors: {} }
}

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

    const data = await readForm(request)
    const input = readFields(data, ['code', 'currentCode', 'password', 'secret', 'otpauthUri'])
    const setup: PendingSetup = { secret: input.secret, otpauthUri: input.otpauthUri }
    const code = input.code.replace(/\s+/g, '')
    // Only the form that moves two-factor asks for the current code; left blank, it is not sent,
    // and the API's answer asks for it.
    const moving = data.has('currentCode')
    const currentCode = input.currentCode.replace(/\s+/g, '')

    const response = await locals.api.me['two-factor'].enable.$post({
      json: { code, password: input.password, ...(currentCode ? { currentCode } : {}) },
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
      const failure: FormFailure = { form: 'enable', values: {}, ...enableRefusal(problem, moving) }
      return fail(problem.status, { ...failure, setup })
    }
    return rejectWithProblem(problem, 'enable', ['code', 'currentCode', 'password'])
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
