import { createRoute, z } from '@hono/zod-openapi'
import { countPendingMigrations } from '@tenor/db'
import { sql } from 'drizzle-orm'
import type { AppDeps } from '../../context.ts'
import { createRouter, jsonResponse } from '../../lib/openapi.ts'

const health = createRoute({
  method: 'get',
  path: '/health',
  tags: ['Operations'],
  summary: 'Liveness: answers while the process runs',
  responses: { 200: jsonResponse(z.object({ status: z.literal('ok') }), 'The process is alive') },
})

const readiness = z.object({
  status: z.enum(['ready', 'unavailable']),
  database: z.enum(['ok', 'unreachable']),
  pendingMigrations: z.number().int().nullable(),
})

const ready = createRoute({
  method: 'get',
  path: '/ready',
  tags: ['Operations'],
  summary: 'Readiness: the database answers and its schema is current',
  responses: {
    200: jsonResponse(readiness, 'Ready to serve'),
    503: jsonResponse(readiness, 'Not ready: database unreachable or migrations pending'),
  },
})

export function createHealthRoutes(deps: AppDeps) {
  return createRouter()
    .openapi(health, (c) => c.json({ status: 'ok' as const }, 200))
    .openapi(ready, async (c) => {
      try {
        await deps.database.db.run(sql`select 1`)
        const pendingMigrations = await countPendingMigrations(deps.database)
        const status = pendingMigrations === 0 ? 'ready' : 'unavailable'
        const body = { status, database: 'ok', pendingMigrations } as const
        return status === 'ready' ? c.json(body, 200) : c.json(body, 503)
      } catch (error) {
        c.get('log').error('readiness check failed', { error })
        return c.json(
          { status: 'unavailable', database: 'unreachable', pendingMigrations: null } as const,
          503,
        )
      }
    })
}
