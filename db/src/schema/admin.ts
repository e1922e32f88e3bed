import { index, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { createdAt, instant } from './columns.ts'
import { users } from './users.ts'

/**
 * Every admin action: who, what, when, and the record before and after (JSON). Append-only:
 * database triggers refuse UPDATE and DELETE, so nothing in the app can edit it.
 */
export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: text('id').primaryKey(),
    adminId: text('admin_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    before: text('before'),
    after: text('after'),
    createdAt: createdAt(),
  },
  (t) => [
    index('audit_events_created_idx').on(t.createdAt),
    index('audit_events_target_idx').on(t.targetType, t.targetId),
  ],
)

/**
 * `approved` alone means the decision was recorded but its action has not finished (the process
 * stopped in between); `failed` that the action stopped on an error. Neither is retried: an
 * administrator reads the audit trail and asks again. `withdrawn`: the asker took it back
 * before anyone decided.
 */
export const approvalStates = [
  'pending',
  'approved',
  'rejected',
  'executed',
  'failed',
  'withdrawn',
] as const

/**
 * Maker-checker: a money-moving action or a rate change waits here until a second admin, not the
 * one who asked, approves it; then it runs once.
 */
export const adminApprovals = sqliteTable(
  'admin_approvals',
  {
    id: text('id').primaryKey(),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    payload: text('payload').notNull(),
    state: text('state', { enum: approvalStates }).notNull().default('pending'),
    requestedBy: text('requested_by')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    requestedAt: instant('requested_at').notNull(),
    decidedBy: text('decided_by').references(() => users.id, { onDelete: 'restrict' }),
    decidedAt: instant('decided_at'),
    executedAt: instant('executed_at'),
    result: text('result'),
  },
  (t) => [index('admin_approvals_state_idx').on(t.state, t.requestedAt)],
)
