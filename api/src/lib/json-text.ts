import type { Context, TypedResponse } from 'hono'
import type { JSONParsed } from 'hono/utils/types'

/** JSON text serialised from a `T`, kept to be sent again (the cached public list). */
export type JsonText<T> = string & { readonly __json: T }

export const toJsonText = <T>(value: T): JsonText<T> => JSON.stringify(value) as JsonText<T>

/**
 * Answers 200 with JSON serialised earlier, typed as `c.json` would type it, so the typed
 * client still knows the shape. Saves serialising the same list on every request.
 */
export function sendJsonText<T>(
  c: Context,
  text: JsonText<T>,
): Response & TypedResponse<JSONParsed<T>, 200, 'json'> {
  const response: Response = c.body(text, 200, { 'Content-Type': 'application/json' })

  // The body is `T` as JSON; only the type-level tag differs from what `c.json` returns.
  return response as Response & TypedResponse<JSONParsed<T>, 200, 'json'>
}
