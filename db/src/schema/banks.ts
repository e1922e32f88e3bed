import { sql } from 'drizzle-orm'
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { createdAt, instant } from './columns.ts'
import { users } from './users.ts'

export const itemStatuses = ['healthy', 'needs_reconnect', 'revoked', 'removed'] as const

/** A bank connection made through Plaid Link. The access token is sealed (AES-GCM) at rest. */
export const plaidItems = sqliteTable(
  'plaid_items',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    plaidItemId: text('plaid_item_id').notNull().unique(),
    accessToken: text('access_token').notNull(),
    institutionId: text('institution_id'),
    institutionName: text('institution_name'),
    status: text('status', { enum: itemStatuses }).notNull().default('healthy'),
    // The Plaid error or webhook code behind a non-healthy status, for the user and support.
    statusReason: text('status_reason'),
    statusChangedAt: instant('status_changed_at').notNull(),
    createdAt: createdAt(),
    removedAt: instant('removed_at'),
  },
  (t) => [
    check(
      'plaid_items_status_check',
      sql`${t.status} in ('healthy', 'needs_reconnect', 'revoked', 'removed')`,
    ),
    index('plaid_items_user_idx').on(t.userId),
  ],
)

export const bankAccountStatuses = ['active', 'closed', 'unauthorized', 'removed'] as const

export const bankAccounts = sqliteTable(
  'bank_accounts',
  {
    id: text('id').primaryKey(),
    itemId: text('item_id')
      .notNull()
      .references(() => plaidItems.id, { onDelete: 'restrict' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    plaidAccountId: text('plaid_account_id').notNull(),
    name: text('name').notNull(),
    mask: text('mask'),
    type: text('type').notNull(),
    subtype: text('subtype'),
    // Set from ACH returns: a closed account never funds or receives again; an unauthorized one
    // is never debited again but still receives the payouts of the notes it paid for.
    status: text('status', { enum: bankAccountStatuses }).notNull().default('active'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('bank_accounts_item_account_idx').on(t.itemId, t.plaidAccountId),
    index('bank_accounts_user_idx').on(t.userId),
  ],
)

/**
 * Every verified webhook delivery. `dedupeKey` is the SHA-256 of the exact body: a redelivery
 * within a day is recognised and not processed again.
 */
export const webhookEvents = sqliteTable(
  'webhook_events',
  {
    id: text('id').primaryKey(),
    source: text('source').notNull(),
    dedupeKey: text('dedupe_key').notNull().unique(),
    webhookType: text('webhook_type').notNull(),
    webhookCode: text('webhook_code').notNull(),
    plaidItemId: text('plaid_item_id'),
    body: text('body').notNull(),
    receivedAt: instant('received_at').notNull(),
    deliveries: integer('deliveries').notNull().default(1),
    processedAt: instant('processed_at'),
    processingError: text('processing_error'),
  },
  (t) => [index('webhook_events_unprocessed_idx').on(t.processedAt, t.receivedAt)],
)
