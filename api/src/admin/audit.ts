import { newId, type Tx } from '@tenor/db'
import { auditEvents } from '@tenor/db/schema'

/**
 * Records an admin action in the append-only audit trail, inside the transaction that makes the
 * change, so the trail holds exactly the changes that happened.
 */
export async function recordAudit(
  tx: Tx,
  event: {
    adminId: string
    action: string
    targetType: string
    targetId: string
    before?: unknown
    after?: unknown
    at: Date
  },
): Promise<void> {
  await tx.insert(auditEvents).values({
    id: newId(),
    adminId: event.adminId,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    before: event.before === undefined ? null : JSON.stringify(event.before),
    after: event.after === undefined ? null : JSON.stringify(event.after),
    createdAt: event.at,
  })
}
