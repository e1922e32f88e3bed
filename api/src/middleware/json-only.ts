import { createMiddleware } from 'hono/factory'
import type { AppEnv } from '../context.ts'
import { ApiError } from '../lib/errors.ts'

const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * Every state-changing request must declare `application/json` (any case, parameters allowed).
 * Besides refusing bodies no handler understands, this means no cross-site form or `text/plain`
 * request can reach a handler without a CORS preflight. Runs before any handler.
 */
export const jsonOnly = createMiddleware<AppEnv>(async function jsonOnly(c, next) {
  if (stateChanging.has(c.req.method)) {
    const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase()
    if (type !== 'application/json') {
      throw new ApiError(
        415,
        'unsupported_media_type',
        'Send the request body as JSON with Content-Type: application/json.',
      )
    }
  }
  await next()
})
