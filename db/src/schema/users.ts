import { sql } from 'drizzle-orm'
import { check, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import { createdAt, instant } from './columns.ts'

export const roles = ['investor', 'admin'] as const
export const userStatuses = ['active', 'disabled'] as const
export const kycStatuses = ['none', 'submitted', 'approved', 'rejected'] as const

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull().unique(),
    emailVerifiedAt: instant('email_verified_at'),
    passwordHash: text('password_hash').notNull(),
    legalName: text('legal_name').notNull(),
    role: text('role', { enum: roles }).notNull().default('investor'),
    status: text('status', { enum: userStatuses }).notNull().default('active'),
    kycStatus: text('kyc_status', { enum: kycStatuses }).notNull().default('none'),
    kycRejectionReason: text('kyc_rejection_reason'),
    // AES-GCM envelope (see crypto); the secret itself is never stored in the clear.
    totpSecret: text('totp_secret'),
    totpEnabledAt: instant('totp_enabled_at'),
    // The last time step a code was accepted for: a code works once.
    totpLastStep: integer('totp_last_step'),
    // A new authenticator being set up while two-factor is on (sealed like `totpSecret`): it
    // replaces the current one only once a code from it is confirmed.
    totpPendingSecret: text('totp_pending_secret'),
    failedLoginCount: integer('failed_login_count').notNull().default(0),
    lockedUntil: instant('locked_until'),
    createdAt: createdAt(),
    updatedAt: instant('updated_at')
      .notNull()
      .$defaultFn(() => new Date()),
  },
  (t) => [
    check('users_role_check', sql`${t.role} in ('investor', 'admin')`),
    check('users_status_check', sql`${t.status} in ('active', 'disabled')`),
    index('users_created_at_idx').on(t.createdAt),
  ],
)

export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    // Keyed hash of the bearer token; the token itself is never stored.
    tokenHash: text('token_hash').notNull().unique(),
    keyId: text('key_id').notNull(),
    twoFactorVerified: integer('two_factor_verified', { mode: 'boolean' }).notNull().default(false),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    lastSeenAt: instant('last_seen_at').notNull(),
    idleExpiresAt: instant('idle_expires_at').notNull(),
    expiresAt: instant('expires_at').notNull(),
    revokedAt: instant('revoked_at'),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
)

export const tokenPurposes = ['verify_email', 'reset_password'] as const

export const userTokens = sqliteTable(
  'user_tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    purpose: text('purpose', { enum: tokenPurposes }).notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    // The address the token was sent to: verifying proves control of this address.
    email: text('email').notNull(),
    createdAt: createdAt(),
    expiresAt: instant('expires_at').notNull(),
    usedAt: instant('used_at'),
  },
  (t) => [index('user_tokens_user_idx').on(t.userId, t.purpose)],
)

/**
 * Two-factor recovery codes: each signs in once in place of an authenticator code. Stored as a
 * keyed hash (as session tokens are), never in the clear; a new set voids the old one.
 */
export const recoveryCodes = sqliteTable(
  'recovery_codes',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    codeHash: text('code_hash').notNull().unique(),
    // The session key the hash was made with: a retired key must wait until none are left.
    keyId: text('key_id').notNull(),
    createdAt: createdAt(),
    // Set when the code is used, or when a new set or turning two-factor off voids it.
    usedAt: instant('used_at'),
  },
  (t) => [index('recovery_codes_user_idx').on(t.userId)],
)
