import { sql } from 'drizzle-orm'
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { maturityInstructions } from '../domain/maturity.ts'
import { compoundings, dayCounts, rateTypes } from '../domain/terms.ts'
import { calendarDate, cents, createdAt, instant } from './columns.ts'

export { compoundings, dayCounts, maturityInstructions, rateTypes }
export const offeringStatuses = [
  'draft',
  'open',
  'closed',
  'active',
  'matured',
  'cancelled',
] as const

/** A note series. Capacity is reserved by conditional update so it can never be oversold. */
export const offerings = sqliteTable(
  'offerings',
  {
    id: text('id').primaryKey(),
    slug: text('slug').notNull().unique(),
    name: text('name').notNull(),
    issuer: text('issuer').notNull(),
    description: text('description').notNull(),
    rateBps: integer('rate_bps').notNull(),
    rateType: text('rate_type', { enum: rateTypes }).notNull(),
    compounding: text('compounding', { enum: compoundings }),
    dayCount: text('day_count', { enum: dayCounts }).notNull(),
    termMonths: integer('term_months').notNull(),
    capacityCents: cents('capacity_cents').notNull(),
    reservedCents: cents('reserved_cents').notNull().default(0),
    minPurchaseCents: cents('min_purchase_cents').notNull(),
    maxPurchaseCents: cents('max_purchase_cents').notNull(),
    incrementCents: cents('increment_cents').notNull(),
    opensOn: calendarDate('opens_on').notNull(),
    closesOn: calendarDate('closes_on').notNull(),
    status: text('status', { enum: offeringStatuses }).notNull().default('draft'),
    defaultMaturityInstruction: text('default_maturity_instruction', {
      enum: maturityInstructions,
    })
      .notNull()
      .default('payout'),
    createdAt: createdAt(),
    updatedAt: instant('updated_at')
      .notNull()
      .$defaultFn(() => new Date()),
  },
  (t) => [
    check('offerings_reserved_check', sql`${t.reservedCents} between 0 and ${t.capacityCents}`),
    check('offerings_rate_check', sql`${t.rateBps} between 0 and 10000`),
    check('offerings_term_check', sql`${t.termMonths} between 1 and 360`),
    check(
      'offerings_limits_check',
      sql`${t.minPurchaseCents} > 0 and ${t.incrementCents} > 0 and ${t.minPurchaseCents} <= ${t.maxPurchaseCents}`,
    ),
    check(
      'offerings_compounding_check',
      sql`(${t.rateType} = 'simple' and ${t.compounding} is null) or (${t.rateType} = 'compound' and ${t.compounding} is not null)`,
    ),
    index('offerings_status_idx').on(t.status),
  ],
)
