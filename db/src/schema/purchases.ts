import { sql } from 'drizzle-orm'
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { purchaseStates } from '../domain/purchase-states.ts'
import { bankAccounts } from './banks.ts'
import { calendarDate, cents, createdAt, instant } from './columns.ts'
import { maturityInstructions, offerings } from './offerings.ts'
import { users } from './users.ts'

export { purchaseStates }
export const authorizationDecisions = ['approved', 'declined', 'user_action_required'] as const
export const idempotencyKeyStates = ['in_progress', 'completed'] as const
/** Why Tenor repays a note before the end of its term. */
export const earlyRepaymentReasons = ['refund', 'offering_cancelled'] as const
export type EarlyRepaymentReason = (typeof earlyRepaymentReasons)[number]

/**
 * A note bought by an investor, paid by one ACH debit through Plaid Transfer
 * (docs/decisions/0004-purchases.md). Rows are never deleted: a failed, cancelled or returned
 * purchase stays as history, and the ledger refers to it.
 */
export const purchases = sqliteTable(
  'purchases',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    offeringId: text('offering_id')
      .notNull()
      .references(() => offerings.id, { onDelete: 'restrict' }),
    bankAccountId: text('bank_account_id')
      .notNull()
      .references(() => bankAccounts.id, { onDelete: 'restrict' }),
    amountCents: cents('amount_cents').notNull(),
    // The rate the note was sold at, in basis points: a later rate change on the offering is
    // for new purchases only, so interest is always worked out from this.
    rateBps: integer('rate_bps').notNull(),
    state: text('state', { enum: purchaseStates }).notNull().default('initiated'),
    authorizationId: text('authorization_id').unique(),
    // When the authorization was recorded, in real time: Plaid lets one make a transfer for an
    // hour, so a purchase reconciled later asks for a new one (null: recorded before this was kept).
    authorizedAt: instant('authorized_at'),
    decision: text('decision', { enum: authorizationDecisions }),
    decisionRationale: text('decision_rationale'),
    transferId: text('transfer_id').unique(),
    // A Plaid decline or error code, or the ACH return code; the reason is in plain words.
    failureCode: text('failure_code'),
    failureReason: text('failure_reason'),
    // Set once, when capacity goes back to the offering: the guard that makes release happen once.
    capacityReleasedAt: instant('capacity_released_at'),
    settledOn: calendarDate('settled_on'),
    maturityDate: calendarDate('maturity_date'),
    maturityInstruction: text('maturity_instruction', { enum: maturityInstructions }).notNull(),
    rolloverOfferingId: text('rollover_offering_id').references(() => offerings.id, {
      onDelete: 'restrict',
    }),
    // The rollover offering's rate when the investor chose it: the note rolls at no lower rate.
    rolloverRateBps: integer('rollover_rate_bps'),
    // Set on a note bought by rolling over a matured one: no ACH moved for it.
    rolledFromPurchaseId: text('rolled_from_purchase_id'),
    // Set, both at once and for good, when Tenor repays the note before the end of its term
    // (an approved refund, a cancelled offering): its maturity date is then the repayment date,
    // it is paid out whatever the instruction said, and the instruction can no longer change.
    repaymentScheduledAt: instant('repayment_scheduled_at'),
    repaymentReason: text('repayment_reason', { enum: earlyRepaymentReasons }),
    createdAt: createdAt(),
    updatedAt: instant('updated_at')
      .notNull()
      .$defaultFn(() => new Date()),
  },
  (t) => [
    check(
      'purchases_amount_check',
      sql`typeof(${t.amountCents}) = 'integer' and ${t.amountCents} > 0`,
    ),
    check(
      'purchases_state_check',
      sql`${t.state} in ('initiated', 'pending', 'processing', 'active', 'matured', 'paid', 'failed', 'cancelled', 'returned')`,
    ),
    check(
      'purchases_maturity_instruction_check',
      sql`${t.maturityInstruction} in ('payout', 'rollover_all', 'rollover_principal')`,
    ),
    index('purchases_user_idx').on(t.userId, t.createdAt),
    index('purchases_offering_idx').on(t.offeringId),
    index('purchases_state_idx').on(t.state, t.updatedAt),
    // The maturity and reminder jobs look for active notes due by a date.
    index('purchases_state_maturity_idx').on(t.state, t.maturityDate),
    // A matured note's page links the note it rolled into.
    index('purchases_rolled_from_idx').on(t.rolledFromPurchaseId),
    // The admin search and export read newest first, a page at a time.
    index('purchases_created_idx').on(t.createdAt, t.id),
  ],
)

/** Every state a purchase has been in, and why. Append-only: triggers refuse UPDATE and DELETE. */
export const purchaseEvents = sqliteTable(
  'purchase_events',
  {
    id: text('id').primaryKey(),
    purchaseId: text('purchase_id')
      .notNull()
      .references(() => purchases.id, { onDelete: 'restrict' }),
    fromState: text('from_state', { enum: purchaseStates }),
    toState: text('to_state', { enum: purchaseStates }).notNull(),
    reason: text('reason').notNull(),
    // The Plaid transfer event that caused the move, when one did.
    transferEventId: integer('transfer_event_id'),
    createdAt: createdAt(),
  },
  (t) => [index('purchase_events_purchase_idx').on(t.purchaseId, t.createdAt)],
)

/**
 * The investor's authorization of a purchase's ACH debit, kept as proof (Nacha requires the
 * originator to keep it for two years after the debit and to produce it on request): the exact
 * wording agreed to and its version, the amount and the account it named, and when, from
 * which address and browser. Written in the purchase's own transaction; append-only.
 */
export const achAuthorizations = sqliteTable(
  'ach_authorizations',
  {
    id: text('id').primaryKey(),
    purchaseId: text('purchase_id')
      .notNull()
      .unique()
      .references(() => purchases.id, { onDelete: 'restrict' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    bankAccountId: text('bank_account_id')
      .notNull()
      .references(() => bankAccounts.id, { onDelete: 'restrict' }),
    amountCents: cents('amount_cents').notNull(),
    wordingVersion: text('wording_version').notNull(),
    wording: text('wording').notNull(),
    // As the API saw the request: the visitor's address the site vouched for, else the peer's.
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
  },
  (t) => [index('ach_authorizations_user_idx').on(t.userId, t.createdAt)],
)

/**
 * Stripe-style idempotency for `POST /purchases`: the first answer to a key is kept and replayed.
 * `purchaseId` is the recovery point: once set, a retry resumes that purchase, never a new one.
 */
export const idempotencyKeys = sqliteTable(
  'idempotency_keys',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    state: text('state', { enum: idempotencyKeyStates }).notNull().default('in_progress'),
    purchaseId: text('purchase_id'),
    responseStatus: integer('response_status'),
    responseBody: text('response_body'),
    // While in progress: when the request holding the key took it; a stale lock may be taken over.
    lockedAt: instant('locked_at').notNull(),
    createdAt: createdAt(),
    expiresAt: instant('expires_at').notNull(),
  },
  (t) => [
    uniqueIndex('idempotency_keys_user_key_idx').on(t.userId, t.key),
    index('idempotency_keys_expires_idx').on(t.expiresAt),
  ],
)

/**
 * Every Plaid transfer event pulled from `/transfer/event/sync`, stored once by its event id.
 * `appliedAt` stays empty for events of transfers not (yet) linked to a purchase: they are
 * applied when the purchase learns its transfer id.
 */
export const transferEvents = sqliteTable(
  'transfer_events',
  {
    eventId: integer('event_id').primaryKey(),
    transferId: text('transfer_id').notNull(),
    eventType: text('event_type').notNull(),
    payload: text('payload').notNull(),
    purchaseId: text('purchase_id'),
    receivedAt: instant('received_at').notNull(),
    appliedAt: instant('applied_at'),
  },
  (t) => [
    index('transfer_events_transfer_idx').on(t.transferId, t.appliedAt),
    // A purchase's page and the admin's read its transfers' events.
    index('transfer_events_purchase_idx').on(t.purchaseId),
  ],
)

/** One row: the largest Plaid event id stored, moved in the same transaction as the events. */
export const transferSyncCursor = sqliteTable(
  'transfer_sync_cursor',
  {
    id: integer('id').primaryKey(),
    lastEventId: integer('last_event_id').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [check('transfer_sync_cursor_one_row_check', sql`${t.id} = 1`)],
)
