import { sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { calendarDate, instant } from './columns.ts'
import { users } from './users.ts'

export const taxIdKinds = ['ssn', 'itin'] as const

/**
 * What an investor submitted for identity checks. The tax id is sealed (AES-GCM, bound to the
 * user id); only its last four digits are ever shown again. The status lives on `users`.
 */
export const kycProfiles = sqliteTable('kyc_profiles', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'restrict' }),
  legalName: text('legal_name').notNull(),
  dateOfBirth: calendarDate('date_of_birth').notNull(),
  addressLine1: text('address_line1').notNull(),
  addressLine2: text('address_line2'),
  city: text('city').notNull(),
  region: text('region').notNull(),
  postalCode: text('postal_code').notNull(),
  country: text('country').notNull().default('US'),
  taxIdKind: text('tax_id_kind', { enum: taxIdKinds }).notNull(),
  taxId: text('tax_id').notNull(),
  taxIdLast4: text('tax_id_last4').notNull(),
  attestedAt: instant('attested_at').notNull(),
  submittedAt: instant('submitted_at').notNull(),
  reviewedAt: instant('reviewed_at'),
  reviewedBy: text('reviewed_by'),
  decisionReason: text('decision_reason'),
})
