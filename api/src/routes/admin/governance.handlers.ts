import type { RouteHandler } from '@hono/zod-openapi'
import { adminApprovals, auditEvents, users } from '@tenor/db/schema'
import { desc, eq } from 'drizzle-orm'
import { alias } from 'drizzle-orm/sqlite-core'
import { decideApproval, withdrawApproval } from '../../admin/approvals.ts'
import type { AppDeps, AuthedEnv } from '../../context.ts'
import type * as routes from './governance.routes.ts'

/** Approvals (maker-checker) and the audit trail. */
export function createGovernanceHandlers(deps: AppDeps) {
  const { database } = deps
  const iso = (value: Date | null) => value?.toISOString() ?? null

  const listApprovals: RouteHandler<typeof routes.listApprovals, AuthedEnv> = async (c) => {
    const { state } = c.req.valid('query')
    const asker = alias(users, 'asker')
    const decider = alias(users, 'decider')
    const rows = await database.db
      .select({
        approval: adminApprovals,
        requestedByEmail: asker.email,
        decidedByEmail: decider.email,
      })
      .from(adminApprovals)
      .leftJoin(asker, eq(asker.id, adminApprovals.requestedBy))
      .leftJoin(decider, eq(decider.id, adminApprovals.decidedBy))
      .where(state ? eq(adminApprovals.state, state) : undefined)
      .orderBy(desc(adminApprovals.requestedAt))
      .limit(200)
    return c.json(
      {
        approvals: rows.map(({ approval: row, requestedByEmail, decidedByEmail }) => ({
          ...row,
          requestedByEmail,
          decidedByEmail,
          requestedAt: row.requestedAt.toISOString(),
          decidedAt: iso(row.decidedAt),
          executedAt: iso(row.executedAt),
        })),
      },
      200,
    )
  }

  const approve: RouteHandler<typeof routes.approve, AuthedEnv> = async (c) => {
    const { approvalId } = c.req.valid('param')
    const outcome = await decideApproval(deps, {
      approvalId,
      adminId: c.get('user').id,
      approve: true,
      requestId: c.get('requestId'),
    })
    c.get('log').info('approval decided', { adminId: c.get('user').id, ...outcome })
    return c.json(outcome, 200)
  }

  const reject: RouteHandler<typeof routes.reject, AuthedEnv> = async (c) => {
    const { approvalId } = c.req.valid('param')
    const { reason } = c.req.valid('json')
    const outcome = await decideApproval(deps, {
      approvalId,
      adminId: c.get('user').id,
      approve: false,
      reason: reason || undefined,
      requestId: c.get('requestId'),
    })
    c.get('log').info('approval decided', { adminId: c.get('user').id, ...outcome })
    return c.json(outcome, 200)
  }

  const withdraw: RouteHandler<typeof routes.withdraw, AuthedEnv> = async (c) => {
    const { approvalId } = c.req.valid('param')
    await withdrawApproval(deps, { approvalId, adminId: c.get('user').id })
    c.get('log').info('approval withdrawn', { approvalId, adminId: c.get('user').id })
    return c.json({ state: 'withdrawn' as const }, 200)
  }

  const listAudit: RouteHandler<typeof routes.listAudit, AuthedEnv> = async (c) => {
    const { targetId, limit } = c.req.valid('query')
    const rows = await database.db
      .select({ event: auditEvents, adminEmail: users.email })
      .from(auditEvents)
      .leftJoin(users, eq(users.id, auditEvents.adminId))
      .where(targetId ? eq(auditEvents.targetId, targetId) : undefined)
      .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
      .limit(Number(limit ?? 100))
    return c.json(
      {
        events: rows.map(({ event, adminEmail }) => ({
          ...event,
          adminEmail,
          createdAt: event.createdAt.toISOString(),
        })),
      },
      200,
    )
  }

  return { listApprovals, approve, reject, withdraw, listAudit }
}
