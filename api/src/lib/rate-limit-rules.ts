/**
 * Every rate limit the API applies, in one table so they can be read and argued about together
 * (docs/security.md explains each number). Counters live in the `rate_limits` table and are
 * shared by every machine.
 */

import { errorResponse } from './openapi.ts'

/** The contract entry for routes behind a rule: the envelope, code `rate_limited`. */
export const rateLimitedResponse = errorResponse(
  'Too many attempts (`rate_limited`); `Retry-After` and `RateLimit` say when to try again',
)

const minute = 60 * 1000
const hour = 60 * minute
const day = 24 * hour

export interface RateLimitRule {
  /** Prefix of the counter's key; also names the rule in logs. */
  name: string
  /** What is counted: the true client address, the email in the body, or the signed-in user. */
  by: 'address' | 'email' | 'user'
  limit: number
  windowMs: number
  /** A successful answer clears the counter, so it counts consecutive failures only. */
  resetOnSuccess?: boolean
  /**
   * Refused answers (4xx, 5xx) give their hit back: only accepted requests spend the quota. A
   * handler may judge otherwise where the status misleads (`quotaSpent`).
   */
  acceptedOnly?: boolean
  /** Accepted answers give their hit back: only refusals (wrong codes, wrong passwords) count. */
  refusedOnly?: boolean
}

const rule = (r: RateLimitRule) => r

export const rateLimitRules = {
  // Sign-in. The per-account lockout (10 failures, 15 minutes) stops bursts; the account rules
  // stop a slow spray from many addresses: at most 30 guesses a day, and never more than 100
  // consecutive failures (NIST SP 800-63B's ceiling) until the owner signs in or resets the
  // password, which clears both. Unknown emails are counted alike, so a 429 reveals nothing.
  loginByAddress: rule({ name: 'login-address', by: 'address', limit: 30, windowMs: 15 * minute }),
  loginByAccount: rule({
    name: 'login-account',
    by: 'email',
    limit: 30,
    windowMs: day,
    resetOnSuccess: true,
  }),
  loginByAccountLong: rule({
    name: 'login-account-30d',
    by: 'email',
    limit: 100,
    windowMs: 30 * day,
    resetOnSuccess: true,
  }),
  // Wrong codes from one address, whichever accounts they are for; right ones give their hit
  // back, so people sharing an address who sign in or set up two-factor never meet it.
  twoFactorByAddress: rule({
    name: 'two-factor-address',
    by: 'address',
    limit: 30,
    windowMs: 15 * minute,
    refusedOnly: true,
  }),
  // Starting a setup always succeeds and writes a new pending secret: bounded per account, well
  // above what anyone setting up an app (and starting again a few times) needs.
  twoFactorSetupByUser: rule({
    name: 'two-factor-setup-user',
    by: 'user',
    limit: 30,
    windowMs: hour,
  }),
  // Ten wrong answers a quarter hour per account; setting up, confirming and making new codes
  // with the right ones spend nothing, so normal use never meets the limit.
  twoFactorByUser: rule({
    name: 'two-factor-user',
    by: 'user',
    limit: 10,
    windowMs: 15 * minute,
    refusedOnly: true,
  }),
  // A change of password or email sends emails, so changes made count; the password each one
  // re-checks is held to the sign-in lockout and caps instead (`recheckPassword`), so a wrong
  // one or a refused new password does not use up the owner's changes.
  credentialChangeByUser: rule({
    name: 'credential-change-user',
    by: 'user',
    limit: 10,
    windowMs: hour,
    acceptedOnly: true,
  }),

  // Anything that sends an email spends Postmark quota and lands in someone's inbox. Sign-ups
  // count per address only when accepted (each sends one): a form refused for a weak password
  // sends nothing, and people sharing an office or home address should not run out of tries
  // while choosing one. Every attempt counts towards a looser bound on floods.
  registerByAddress: rule({
    name: 'register-address',
    by: 'address',
    limit: 10,
    windowMs: hour,
    acceptedOnly: true,
  }),
  registerAttemptsByAddress: rule({
    name: 'register-attempts-address',
    by: 'address',
    limit: 100,
    windowMs: hour,
  }),
  registerByEmail: rule({
    name: 'register-email',
    by: 'email',
    limit: 3,
    windowMs: hour,
    acceptedOnly: true,
  }),
  forgotByAddress: rule({ name: 'forgot-address', by: 'address', limit: 10, windowMs: hour }),
  forgotByEmail: rule({ name: 'forgot-email', by: 'email', limit: 3, windowMs: hour }),
  resendByUser: rule({ name: 'resend-user', by: 'user', limit: 3, windowMs: hour }),

  // Emailed tokens carry 256 bits; these only stop an address from hammering the lookups.
  resetByAddress: rule({ name: 'reset-address', by: 'address', limit: 20, windowMs: 15 * minute }),
  verifyByAddress: rule({
    name: 'verify-address',
    by: 'address',
    limit: 30,
    windowMs: 15 * minute,
  }),

  // Each link token is a paid Plaid call.
  linkTokenByUser: rule({ name: 'link-token-user', by: 'user', limit: 10, windowMs: hour }),
  linkTokenByAddress: rule({
    name: 'link-token-address',
    by: 'address',
    limit: 30,
    windowMs: hour,
  }),

  // Linking a bank (the public token's exchange, then its accounts) and checking one after it
  // is reconnected are Plaid calls too, refused ones included.
  bankPlaidByUser: rule({ name: 'bank-plaid-user', by: 'user', limit: 20, windowMs: hour }),
  bankPlaidByAddress: rule({
    name: 'bank-plaid-address',
    by: 'address',
    limit: 60,
    windowMs: hour,
  }),

  // Per account only: every buyer has passed KYC and linked a bank, so accounts are costly to
  // multiply, while many real investors may share one office or carrier address. Only purchases
  // made count (each asks Plaid and sends email), declined ones too; a refusal before any
  // purchase exists does not, and a retry answered from its Idempotency-Key is never limited.
  purchaseByUser: rule({
    name: 'purchase-user',
    by: 'user',
    limit: 20,
    windowMs: hour,
    acceptedOnly: true,
  }),

  // Identity details sent for review, accepted ones only: an investor corrects and resends after
  // a rejection once or twice. Each is compared with every other account's tax id ending in the
  // same four digits (the console names a match), so a number cannot be guessed through it.
  kycByUser: rule({
    name: 'kyc-user',
    by: 'user',
    limit: 5,
    windowMs: day,
    acceptedOnly: true,
  }),

  // Plaid sends from a handful of addresses and retries anything refused; only a flood stops.
  webhookByAddress: rule({ name: 'webhook-address', by: 'address', limit: 600, windowMs: minute }),
} as const
