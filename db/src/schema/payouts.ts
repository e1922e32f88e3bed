import { sql } from 'drizzle-orm'
import { check, index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { bankAccounts } from './banks.ts'
import { calendarDate, cents, createdAt, instant } from './columns.ts'
import { purchases } from './purchases.ts'
import { users } from './users.ts'

export const payoutKinds = ['maturity', 'refund'] as const
export const payoutStates = [
  'initiated',
  'pending',
  'posted',
  'settled',
  'failed',
  'returned',
  // Never to be sent: the debit that paid for the note came back after it matured, and two
  // administrators closed the payout (final).
  'cancelled',
] as const

/**
 * An ACH credit to an investor: the proceeds of a matured note, or a refund when an offering is
 * cancelled. One per purchase and kind, and its idempotency key derives from that row, so no
 * retry or crash can pay twice.
 */
export const payouts = sqliteTable(
  'payouts',
  {
    id: text('id').primaryKey(),
    purchaseId: text('purchase_id')
      .notNull()
      .references(() => purchases.id, { onDelete: 'restrict' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    bankAccountId: text('bank_account_id').references(() => bankAccounts.id, {
      onDelete: 'restrict',
    }),
    kind: text('kind', { enum: payoutKinds }).notNull(),
    amountCents: cents('amount_cents').notNull(),
    state: text('state', { enum: payoutStates }).notNull().default('initiated'),
    // `payout:{purchaseId}:{maturityDate}` or `refund:{purchaseId}`: sent to Plaid as is.
    idempotencyKey: text('idempotency_key').notNull().unique(),
    authorizationId: text('authorization_id').unique(),
    transferId: text('transfer_id').unique(),
    failureCode: text('failure_code'),
    failureReason: text('failure_reason'),
    dueOn: calendarDate('due_on').notNull(),
    // Times the money was sent again after coming back to the investor's held balance, and
    // when it last was; each round has its own ledger postings.
    resends: integer('resends').notNull().default(0),
    resentAt: instant('resent_at'),
    createdAt: createdAt(),
    updatedAt: instant('updated_at')
      .notNull()
      .$defaultFn(() => new Date()),
    settledAt: instant('settled_at'),
    // When an approved review let a payout withheld for review go, and the last transfer event
    // stored then: the money that paid for its note is no longer in doubt for the returns the
    // review could see (`findFundingInDoubt`).
    reviewReleasedAt: instant('review_released_at'),
    reviewReleasedThroughEventId: integer('review_released_through_event_id'),
  },
  (t) => [
    uniqueIndex('payouts_purchase_kind_idx').on(t.purchaseId, t.kind),
    index('payouts_state_idx').on(t.state, t.dueOn),
    check(
      'payouts_amount_check',
      sql`typeof(${t.amountCents}) = 'integer' and ${t.amountCents} > 0`,
    ),
    check(
      'payouts_state_check',
      sql`${t.state} in ('initiated', 'pending', 'posted', 'settled', 'failed', 'returned', 'cancelled')`,
    ),
  ],
)
