import { type ActionFailure, error, fail } from '@sveltejs/kit'
import { type ApiProblem, unexpected } from './api.ts'

/**
 * What a failed form action sends back: the user's input (never a password), one message per
 * field, and a message for the form as a whole. `form` names which form on the page failed,
 * for pages that hold several.
 */
export interface FormFailure {
  form: string
  message: string | null
  errors: Record<string, string>
  values: Record<string, string>
}

// Longer than any field of any form here (the longest, a reason, takes 2,000 characters).
const maxFieldLength = 10_000

/**
 * What a form's fields may take once written as the JSON the API is sent. The API refuses a
 * body over 64 KiB unread (413), and a few fields of the length above can pass that: a
 * character may take four bytes, or six once escaped (`\u0001`). Well under the API's bound,
 * with room for what an action adds, and far above anything a form of ours needs.
 */
export const maxFormJsonBytes = 48 * 1024
const encoder = new TextEncoder()

/**
 * The posted form. A body that cannot be read as one (a broken multipart body, another content
 * type) is the sender's mistake, refused with 400 before anything is asked of the API.
 */
export async function readForm(request: Request): Promise<FormData> {
  try {
    return await request.formData()
  } catch {
    error(400, 'The form could not be read. Reload the page and try again.')
  }
}

const tooLarge = 'That is more than this form takes.'

/**
 * Reads the named fields as strings; a missing field or a file reads as empty. A field, or a
 * form, no form of ours could send is refused as too large (413), before anything is asked of
 * the API.
 */
export function readFields<F extends string>(
  data: FormData,
  names: readonly F[],
): Record<F, string> {
  const fields = {} as Record<F, string>
  let jsonBytes = 0
  for (const name of names) {
    const value = data.get(name)
    fields[name] = typeof value === 'string' ? value : ''
    if (fields[name].length > maxFieldLength) error(413, tooLarge)
    jsonBytes += encoder.encode(JSON.stringify(fields[name])).length
  }
  // Refused here, in the site's words, rather than sent on for the API's 413.
  if (jsonBytes > maxFormJsonBytes) error(413, tooLarge)
  return fields
}

/** A form's failure with nothing to say beside its fields: for a failure that adds its own. */
export function noFailure(form: string): FormFailure {
  return { form, message: null, errors: {}, values: {} }
}

export function rejectForm(
  status: number,
  failure: Partial<FormFailure> & { form: string },
): ActionFailure<FormFailure> {
  return fail(status, { ...noFailure(failure.form), ...failure })
}

/**
 * Turns an API refusal into a form failure. A 422 puts each issue next to its field; issues
 * about anything else, and other refusals the page expects, become the form's message. A 5xx
 * is not the user's to fix and goes to the unexpected-error path.
 */
export function rejectWithProblem(
  problem: ApiProblem,
  form: string,
  fields: readonly string[],
  values: Record<string, string> = {},
): ActionFailure<FormFailure> {
  if (problem.status >= 500) throw unexpected(problem)

  if (problem.status === 429) {
    // The API's message says how long to wait ("Try again in 45 minutes").
    return rejectForm(429, { form, values, message: problem.message })
  }

  const errors: Record<string, string> = {}
  const other: string[] = []
  for (const issue of problem.issues) {
    if (fields.includes(issue.path)) errors[issue.path] ??= issue.message
    else other.push(issue.message)
  }
  const message =
    other.length > 0 ? other.join(' ') : Object.keys(errors).length > 0 ? null : problem.message

  return rejectForm(problem.status, { form, values, errors, message })
}
