import type { ActionFailure } from '@sveltejs/kit'
import { z } from 'zod'
import type { ApiProblem } from './api.ts'
import type { LinkResult } from './banks.ts'
import { type FormFailure, readFields, rejectForm, rejectWithProblem } from './forms.ts'

/** The local chooser's sign-in form: which sandbox bank, and the login typed for it. */
export interface ChooserFields {
  institutionId: string
  username: string
  password: string
}

export const chooserFieldNames = ['institutionId', 'username', 'password'] as const

/** Reads the chooser's form; answers the failure to send back when a field is empty. */
export function readChooserForm(
  data: FormData,
  form: string,
): { ok: true; fields: ChooserFields } | { ok: false; failure: ActionFailure<FormFailure> } {
  const fields = readFields(data, chooserFieldNames)
  const errors: Record<string, string> = {}
  if (!fields.username.trim()) errors.username = 'Enter the username you use at your bank.'
  if (!fields.password) errors.password = 'Enter the password you use at your bank.'
  const message = fields.institutionId ? null : 'Choose your bank first.'
  if (Object.keys(errors).length === 0 && !message) return { ok: true, fields }

  return {
    ok: false,
    failure: rejectForm(400, { form, errors, message, values: keptValues(fields) }),
  }
}

/** What goes back to the form after a refusal: never the bank password. */
export function keptValues(fields: ChooserFields): Record<string, string> {
  return { institutionId: fields.institutionId, username: fields.username }
}

/**
 * A bank step the API refused. Plaid being unavailable (503) is told to the investor in the
 * API's words, as are credential and duplicate refusals; only our own failures go to the error
 * page.
 */
export function rejectBankStep(
  problem: ApiProblem,
  form: string,
  values: Record<string, string> = {},
): ActionFailure<FormFailure> {
  if (problem.status === 503) return rejectForm(503, { form, values, message: problem.message })
  if (problem.status === 404) {
    return rejectForm(404, {
      form,
      values,
      message: 'That bank is no longer linked to your account.',
    })
  }
  return rejectWithProblem(problem, form, ['username', 'password'], values)
}

const linkedAccounts = z
  .array(z.object({ name: z.string().max(200), mask: z.string().max(8).nullable() }))
  .max(50)

/** The fields the Plaid Link page posts after Link's onSuccess; null when they do not parse. */
export function readLinkResult(data: FormData): LinkResult | null {
  const fields = readFields(data, ['publicToken', 'institutionId', 'accounts'])
  if (!fields.publicToken) return null

  const accounts = linkedAccounts.safeParse(parseJson(fields.accounts))
  if (!accounts.success) return null

  return {
    publicToken: fields.publicToken,
    institutionId: fields.institutionId || null,
    accounts: accounts.data,
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}
