import { createRoute, z } from '@hono/zod-openapi'
import { outboxMessages } from '@tenor/db/schema'
import { desc, eq } from 'drizzle-orm'
import type { AppDeps } from '../../context.ts'
import { createRouter, jsonResponse } from '../../lib/openapi.ts'

const mailbox = createRoute({
  method: 'get',
  path: '/mailbox',
  tags: ['Development'],
  summary: 'Development only: every email written to the outbox, newest first',
  request: { query: z.object({ to: z.string().max(254).optional() }) },
  responses: {
    200: jsonResponse(
      z.object({
        messages: z.array(
          z.object({
            id: z.string(),
            kind: z.string(),
            to: z.string(),
            subject: z.string(),
            text: z.string(),
            html: z.string(),
            status: z.string(),
            createdAt: z.string(),
          }),
        ),
      }),
      'The local mailbox',
    ),
  },
})

/** Mounted only when APP_ENV is development or test. */
export function createDevRoutes(deps: AppDeps) {
  return createRouter().openapi(mailbox, async (c) => {
    const { to } = c.req.valid('query')
    const rows = await deps.database.db
      .select()
      .from(outboxMessages)
      .where(to ? eq(outboxMessages.toAddress, to.trim().toLowerCase()) : undefined)
      .orderBy(desc(outboxMessages.createdAt), desc(outboxMessages.id))
      .limit(200)
    return c.json(
      {
        messages: rows.map((row) => ({
          id: row.id,
          kind: row.kind,
          to: row.toAddress,
          subject: row.subject,
          text: row.textBody,
          html: row.htmlBody,
          status: row.status,
          createdAt: row.createdAt.toISOString(),
        })),
      },
      200,
    )
  })
}
