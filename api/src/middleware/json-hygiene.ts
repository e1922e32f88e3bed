import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../context.ts'
import { ApiError } from '../lib/errors.ts'

/** Keys that reach object prototypes when code merges or assigns what it was sent. */
const prototypeKeys = new Set(['__proto__', 'constructor', 'prototype'])
const maxDepth = 16
// C0 and C1 controls and DEL, and the bidirectional overrides that make text display as
// something other than what it is ("Trojan Source"). Tab and line breaks are left to each
// field's schema: a free-text reason may span lines; names and addresses collapse whitespace.
const forbiddenCharacters = /[^\P{Cc}\t\n\r]|[\u202a-\u202e\u2066-\u2069]/u

interface Issue {
  path: string
  message: string
}

/**
 * Checks every JSON body before any schema sees it: no prototype keys, no control or
 * direction-override characters, no malformed UTF-16 (lone surrogates), no deep nesting. The
 * route schemas then do the positive validation (strict objects, lengths, trimming and
 * normalising). Webhooks are skipped: their raw bytes must reach the signature check unread.
 */
export const jsonHygiene = createMiddleware<AppEnv>(async function jsonHygiene(c, next) {
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase()
  if (type !== 'application/json' || c.req.path.startsWith('/webhooks/')) return next()

  // Unparseable bodies are left to the route, which answers `malformed_json`.
  const body: unknown = await c.req.json().catch(() => undefined)
  const issue = inspect(body, '', 0)
  if (issue) {
    throw new ApiError(422, 'validation_failed', 'Some fields are missing or invalid.', {
      issues: [issue],
    })
  }

  await next()
})

function inspect(value: unknown, path: string, depth: number): Issue | null {
  const where = path || '(body)'
  if (depth > maxDepth) return { path: where, message: 'Nested too deeply.' }
  if (typeof value === 'string') {
    if (!value.isWellFormed()) return { path: where, message: 'Contains invalid characters.' }
    if (forbiddenCharacters.test(value)) {
      return { path: where, message: 'Contains control characters.' }
    }
    return null
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = inspect(item, path ? `${path}.${index}` : String(index), depth + 1)
      if (found) return found
    }
    return null
  }
  if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key
      if (prototypeKeys.has(key)) return { path: at, message: 'This field name is not allowed.' }
      const found = inspect(key, at, depth + 1) ?? inspect(item, at, depth + 1)
      if (found) return found
    }
  }
  return null
}
