import { sql } from 'drizzle-orm'
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { createdAt, instant } from './columns.ts'

export const outboxStatuses = ['pending', 'sent', 'failed', 'suppressed'] as const

/**
 * `suppressed`: not sent on purpose, either because Postmark holds the recipient inactive
 * (`lastError` says so) or because Tenor withdrew it before sending, its news gone stale (no
 * `lastError`).
 *
 * Every email is written here in the same transaction as the event that causes it; delivery
 * happens later and at most once per row (`dedupeKey` stops the same event writing two rows).
 */
export const outboxMessages = sqliteTable(
  'outbox_messages',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    dedupeKey: text('dedupe_key').notNull().unique(),
    userId: text('user_id'),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    htmlBody: text('html_body').notNull(),
    status: text('status', { enum: outboxStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: instant('next_attempt_at').notNull(),
    lastError: text('last_error'),
    providerMessageId: text('provider_message_id'),
    createdAt: createdAt(),
    sentAt: instant('sent_at'),
  },
  (t) => [
    check('outbox_status_check', sql`${t.status} in ('pending', 'sent', 'failed', 'suppressed')`),
    index('outbox_due_idx').on(t.status, t.nextAttemptAt),
    index('outbox_to_idx').on(t.toAddress),
  ],
)
