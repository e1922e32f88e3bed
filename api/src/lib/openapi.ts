import { OpenAPIHono, z } from '@hono/zod-openapi'
import { isCalendarDate } from '@tenor/db/domain'
import type { Context } from 'hono'
import type { AppEnv } from '../context.ts'

const typeWords: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
}

const unitWords: Record<string, string> = { string: ' characters', array: ' items' }

// Zod's own wording names its types ("Invalid input: expected string, received undefined"). A
// field without a message of its own reads plainly instead; those with one keep theirs.
z.config({
  customError: (issue) => {
    if (issue.input === undefined && issue.code !== 'unrecognized_keys') {
      return 'This field is required.'
    }
    switch (issue.code) {
      case 'invalid_type':
        return `Expected ${typeWords[issue.expected] ?? issue.expected}.`
      case 'invalid_value':
        return `Use one of: ${issue.values.map(String).join(', ')}.`
      // An exclusive bound (`positive()`, `gt(0)`) is not itself a value to use.
      case 'too_big':
        return `Use ${issue.inclusive === false ? 'less than' : 'at most'} ${issue.maximum}${unitWords[issue.origin] ?? ''}.`
      case 'too_small':
        return `Use ${issue.inclusive === false ? 'more than' : 'at least'} ${issue.minimum}${unitWords[issue.origin] ?? ''}.`
      default:
        return undefined
    }
  },
})

/**
 * A calendar day the admin types, `YYYY-MM-DD`, from 2000 to 2199 (every maturity date up to
 * 30 years on stays one the interest engine can count to); one no calendar has (February 30) is
 * told so rather than asked for the format it already has.
 */
export const typedDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'Enter a date as YYYY-MM-DD.', abort: true })
  .refine((day) => isCalendarDate(day), {
    message: 'There is no such day in the calendar.',
    abort: true,
  })
  .refine((day) => day >= '2000-01-01' && day <= '2199-12-31', 'Use a date from 2000 to 2199.')
  .openapi({ format: 'date', example: '2026-09-02' })

/** The one error envelope every failure uses. */
export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'not_found' }),
      message: z.string(),
      requestId: z.string(),
      issues: z
        .array(z.object({ path: z.string(), message: z.string() }))
        .optional()
        .openapi({ description: 'Present on 422: one entry per invalid field.' }),
    }),
  })
  .openapi('Error')

export const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: errorSchema } },
})

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
})

export const jsonResponse = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

export interface ValidationIssue {
  path: string
  message: string
}

// A body of thousands of made-up fields is answered with a few of them named, not all: the
// answer must not be many times the size of the request.
const namedUnknownFields = 10

/**
 * One issue per field, named by its path in the body or the query (the first problem found for
 * it); a field the request does not take is named itself, not the object that holds it.
 */
export const validationIssues = (error: z.ZodError): ValidationIssue[] => {
  const issues: ValidationIssue[] = []
  const named = new Set<string>()
  const add = (path: string, message: string) => {
    if (named.has(path)) return
    named.add(path)
    issues.push({ path, message })
  }
  for (const issue of error.issues) {
    const at = issue.path.map(String)
    if (issue.code !== 'unrecognized_keys') {
      add(at.join('.') || '(body)', issue.message)
      continue
    }
    for (const key of issue.keys.slice(0, namedUnknownFields)) {
      // A field named "" is named so, not taken for the whole body.
      add([...at, key || '""'].join('.'), 'Remove this field: this request does not take it.')
    }
    const more = issue.keys.length - namedUnknownFields
    if (more > 0) {
      add(
        at.join('.') || '(body)',
        `Remove ${more} more ${more === 1 ? 'field' : 'fields'} this request does not take.`,
      )
    }
  }
  return issues
}

/**
 * What a refused request sent, as read: the validator hands a route's hook the input alongside
 * the error, though its types name it only on success.
 */
export const refusedInput = (result: object): unknown => (result as { data?: unknown }).data

/** The shared 422 answer for a request with invalid fields, one issue per field. */
export function validationFailed<E extends AppEnv>(c: Context<E>, issues: ValidationIssue[]) {
  return c.json(
    {
      error: {
        code: 'validation_failed',
        message: 'Some fields are missing or invalid.',
        requestId: c.get('requestId'),
        issues,
      },
    },
    422,
  )
}

/**
 * A router whose request validation answers in the shared 422 shape instead of the library's
 * default, which would echo the whole schema.
 */
export function createRouter<E extends AppEnv = AppEnv>() {
  return new OpenAPIHono<E>({
    defaultHook: (result, c) => {
      if (result.success) return
      return validationFailed(c, validationIssues(result.error))
    },
  })
}
