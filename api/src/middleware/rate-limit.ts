import { createHmac, hkdfSync } from 'node:crypto'
import type { Context, MiddlewareHandler } from 'hono'
import { type RateLimitInfo, rateLimiter } from 'hono-rate-limiter'
import type { AppDeps, AppEnv } from '../context.ts'
import type { RateLimitRule } from '../lib/rate-limit-rules.ts'
import { rateLimitRules } from '../lib/rate-limit-rules.ts'
import { DatabaseRateLimitStore } from '../lib/rate-limit-store.ts'
import { email as emailSchema } from '../routes/auth/auth.schemas.ts'
import { clientAddress } from './client-address.ts'

declare module 'hono' {
  interface ContextVariableMap {
    /** Set by hono-rate-limiter for the rule being checked. */
    rateLimit: RateLimitInfo
    /**
     * Set by a handler whose status alone misjudges, for `acceptedOnly` rules, whether its
     * answer spent the quota: a replay is a 201 that did nothing, a bank's decline a 402 that
     * made a purchase.
     */
    quotaSpent?: boolean
    /**
     * Set by a sign-in that passed the password but still waits for its second factor: it is
     * not yet a success, so it does not clear the account's failure counts.
     */
    signInPending?: boolean
  }
}

export interface RateLimitOptions {
  /** Requests the rule never counts nor refuses, such as a retry answered from storage. */
  exempt?: (c: Context<AppEnv>) => Promise<boolean>
  /**
   * On routes only a signed-in user may use: requests without a session pass uncounted, to be
   * refused by authentication next, so that nobody spends the address's budget for the people
   * who share it without signing in.
   */
  signedInOnly?: boolean
}

/** The tightest rule seen so far on this request, which the RateLimit headers describe. */
const tightest = new WeakMap<Context, number>()

/**
 * One rate limit rule as middleware. Requests the rule cannot key (no email in the body, no
 * signed-in user) pass: they fail validation or authentication right after.
 */
export function rateLimit(
  deps: AppDeps,
  rule: RateLimitRule,
  options: RateLimitOptions = {},
): MiddlewareHandler<AppEnv> {
  const store = new DatabaseRateLimitStore(deps.database, deps.wallClock, rule.name, rule.windowMs)
  const keys = new WeakMap<Context, string>()
  const limiter = rateLimiter<AppEnv>({
    windowMs: rule.windowMs,
    limit: rule.limit,
    // Written below from the shared clock; the library would read Date.now().
    standardHeaders: false,
    skipFailedRequests: rule.acceptedOnly ?? false,
    skipSuccessfulRequests: rule.refusedOnly ?? false,
    requestWasSuccessful: (c) => c.get('quotaSpent') ?? c.res.status < 400,
    store,
    keyGenerator: (c) => keys.get(c) ?? '',
    handler: async (c) => {
      // The refused request's own hit: where only accepted requests spend the quota, a 429
      // spends none either (the limiter gives back only hits of answers it sees fail).
      if (rule.acceptedOnly) await store.decrement(keys.get(c) ?? '')
      const info = c.get('rateLimit')
      const retryAfter = secondsUntil(info.resetTime, deps, rule)
      setHeaders(c, rule, info, retryAfter)
      c.header('Retry-After', String(retryAfter))
      c.get('log').warn('rate limited', { rule: rule.name, retryAfter })
      return c.json(
        {
          error: {
            code: 'rate_limited',
            message: `Too many attempts. Try again in ${describeWait(retryAfter)}.`,
            requestId: c.get('requestId'),
            retryAfter,
          },
        },
        429,
      )
    },
  })

  return async function rateLimit(c, next) {
    // Rules guard actions; reading (GET on the same path) is never limited by them.
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next()
    if (options.signedInOnly && !c.get('user')) return next()
    if (options.exempt && (await options.exempt(c))) return next()

    const key = await identify(c, deps, rule)
    if (key === null) return next()

    keys.set(c, key)
    return limiter(c, async () => {
      const info = c.get('rateLimit')
      setHeaders(c, rule, info, secondsUntil(info.resetTime, deps, rule))
      await next()
      if (rule.resetOnSuccess && c.res.status < 400 && !c.get('signInPending')) {
        await store.resetKey(key)
      }
    })
  }
}

/** Several rules on one route, applied in order. */
export function rateLimits(deps: AppDeps, ...rules: RateLimitRule[]): MiddlewareHandler<AppEnv>[] {
  return rules.map((rule) => rateLimit(deps, rule))
}

/** Several rules on a route that needs a signed-in user (`signedInOnly`), applied in order. */
export function signedInRateLimits(
  deps: AppDeps,
  ...rules: RateLimitRule[]
): MiddlewareHandler<AppEnv>[] {
  return rules.map((rule) => rateLimit(deps, rule, { signedInOnly: true }))
}

const signInRules = [rateLimitRules.loginByAccount, rateLimitRules.loginByAccountLong]
const signInStore = (deps: AppDeps, rule: RateLimitRule) =>
  new DatabaseRateLimitStore(deps.database, deps.wallClock, rule.name, rule.windowMs)

/**
 * Clears an account's sign-in failure counters: after a password reset, or a sign-in completed
 * with its second factor, the owner must be able to sign in at once, whatever came before.
 */
export async function forgetSignInFailures(deps: AppDeps, email: string): Promise<void> {
  const key = hashIdentity(deps, email)
  for (const rule of signInRules) await signInStore(deps, rule).resetKey(key)
}

/**
 * Counts a wrong second-factor code against the account's sign-in limits, as a wrong password
 * is: guessing codes behind a known password then meets the same daily and 100-in-a-row caps.
 */
export async function countSignInFailure(deps: AppDeps, email: string): Promise<void> {
  const key = hashIdentity(deps, email)
  for (const rule of signInRules) await signInStore(deps, rule).increment(key)
}

/**
 * How many seconds the account's sign-in limits still refuse it for, or null when they do not:
 * a password typed to confirm a change is held to them as a sign-in is.
 */
export async function signInRefusedFor(deps: AppDeps, email: string): Promise<number | null> {
  const key = hashIdentity(deps, email)
  for (const rule of signInRules) {
    const info = await signInStore(deps, rule).get(key)
    if (info && info.totalHits >= rule.limit) return secondsUntil(info.resetTime, deps, rule)
  }
  return null
}

async function identify(c: Context<AppEnv>, deps: AppDeps, rule: RateLimitRule) {
  if (rule.by === 'address') return clientAddress(c, deps)
  if (rule.by === 'user') return c.get('user')?.id ?? null

  const body: unknown = await c.req.json().catch(() => null)
  const given = body && typeof body === 'object' && 'email' in body ? body.email : undefined
  const parsed = emailSchema.safeParse(given)
  return parsed.success ? hashIdentity(deps, parsed.data) : null
}

// Emails are stored only as keyed hashes: the counters table holds no personal data.
const identityKeys = new WeakMap<Buffer, Buffer>()
function hashIdentity(deps: AppDeps, value: string): string {
  const base = deps.env.sessionKeys[0]?.key ?? Buffer.alloc(32)
  let key = identityKeys.get(base)
  if (!key) {
    key = Buffer.from(hkdfSync('sha256', base, '', 'tenor rate limit identity v1', 32))
    identityKeys.set(base, key)
  }
  return createHmac('sha256', key).update(value).digest('base64url').slice(0, 32)
}

function secondsUntil(reset: Date | undefined, deps: AppDeps, rule: RateLimitRule): number {
  const ms = reset ? reset.getTime() - deps.wallClock.now().getTime() : rule.windowMs
  return Math.max(1, Math.ceil(ms / 1000))
}

// IETF draft-ietf-httpapi-ratelimit-headers-07 fields, the form hono-rate-limiter calls draft-7.
function setHeaders(c: Context, rule: RateLimitRule, info: RateLimitInfo, reset: number) {
  const previous = tightest.get(c)
  if (previous !== undefined && previous <= info.remaining) return

  tightest.set(c, info.remaining)
  c.header('RateLimit-Policy', `${info.limit};w=${Math.ceil(rule.windowMs / 1000)}`)
  c.header('RateLimit', `limit=${info.limit}, remaining=${info.remaining}, reset=${reset}`)
}

export function describeWait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`
  if (seconds < 90 * 60) return `${Math.ceil(seconds / 60)} minutes`
  return `${Math.ceil(seconds / 3600)} hours`
}
