import { resolve } from 'node:path'
import { z } from 'zod'

/**
 * The one place that reads the process environment. Every part of Tenor (API, site, worker,
 * scripts) calls `loadEnv()` once at start-up and passes the result down.
 */

const repoRoot = resolve(import.meta.dir, '../..')

export const appEnvs = ['development', 'test', 'staging', 'production'] as const
export type AppEnv = (typeof appEnvs)[number]

// Keys in development are fixed and public: they protect nothing but let a laptop run with no
// configuration at all. Staging and production must set their own.
const developmentKeys = {
  SESSION_KEYS: 'dev1:ZGV2ZWxvcG1lbnQtb25seS1zZXNzaW9uLWtleS0wMDA=',
  ENCRYPTION_KEYS: 'dev1:ZGV2ZWxvcG1lbnQtb25seS1lbmNyeXB0LWtleS0wMDA=',
}

const keyList = z
  .string()
  .min(1)
  .transform((value, ctx) => {
    const keys: { id: string; key: Buffer }[] = []
    for (const part of value.split(',')) {
      const [id, material] = part.trim().split(':')
      const key = material ? Buffer.from(material, 'base64') : Buffer.alloc(0)
      if (!id || !/^[a-z0-9]{1,16}$/i.test(id) || key.length !== 32) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be a comma-separated list of id:base64 entries, each key exactly 32 bytes',
        })
        return z.NEVER
      }
      keys.push({ id, key })
    }
    return keys
  })

/** The keys shipped for development are public: any of them in a list protects nothing. */
const publicKeyMaterial = Object.values(developmentKeys).map((list) => list.split(':')[1])
const holdsDevelopmentKey = (keys: { key: Buffer }[] | undefined) =>
  keys?.some(({ key }) => publicKeyMaterial.includes(key.toString('base64'))) ?? false

const port = z.coerce.number().int().min(1).max(65535)
const url = z.url()
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional())

const schema = z.object({
  APP_ENV: z.enum(appEnvs).default('development'),
  PORT: optional(port),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).optional(),
  PUBLIC_URL: optional(url),
  API_URL: optional(url),
  DATABASE_URL: optional(
    z.string().regex(/^(file|libsql|https?|wss?):/, 'must be a file: or libsql: URL'),
  ),
  DATABASE_AUTH_TOKEN: optional(z.string().min(1)),
  DATABASE_SYNC_URL: optional(z.string().regex(/^(libsql|https?|wss?):/, 'must be a libsql: URL')),
  DATABASE_SYNC_INTERVAL: optional(z.coerce.number().int().min(1)),
  SESSION_KEYS: optional(keyList),
  ENCRYPTION_KEYS: optional(keyList),
  PLAID_ENV: z.enum(['local', 'sandbox', 'production']).optional(),
  PLAID_CLIENT_ID: optional(z.string().min(1)),
  PLAID_SECRET: optional(z.string().min(1)),
  PLAID_LOCAL_URL: optional(url),
  PLAID_WEBHOOK_URL: optional(url),
  PLAID_REDIRECT_URI: optional(url),
  POSTMARK_SERVER_TOKEN: optional(z.string().min(1)),
  POSTMARK_API_URL: optional(url),
  POSTMARK_FROM: optional(z.string().min(3)),
  POSTMARK_MESSAGE_STREAM: optional(z.string().min(1)),
  SUPPORT_EMAIL: optional(z.email('must be an email address')),
  SENTRY_DSN: optional(url),
  SENTRY_RELEASE: optional(z.string().min(1)),
  TRUST_PROXY: optional(z.enum(['none', 'fly'])),
  METRICS_PORT: optional(port),
  BUSINESS_TIME_ZONE: optional(z.string().min(1)),
  FLY_REGION: optional(z.string()),
})

type Raw = z.infer<typeof schema>

// Every setting that staging and production must set explicitly.
const requiredOutsideDevelopment = [
  'DATABASE_URL',
  'SESSION_KEYS',
  'ENCRYPTION_KEYS',
  'PLAID_ENV',
  'PLAID_CLIENT_ID',
  'PLAID_SECRET',
  'POSTMARK_SERVER_TOKEN',
  'POSTMARK_FROM',
  'SUPPORT_EMAIL',
  'SENTRY_DSN',
  'PUBLIC_URL',
] as const satisfies readonly (keyof Raw)[]

export type Key = { id: string; key: Buffer }

export interface Env {
  appEnv: AppEnv
  isProduction: boolean
  port: number | undefined
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent'
  publicUrl: string
  apiUrl: string
  database: { url: string; authToken?: string; syncUrl?: string; syncInterval?: number }
  sessionKeys: Key[]
  encryptionKeys: Key[]
  plaid: {
    env: 'local' | 'sandbox' | 'production'
    clientId: string
    secret: string
    basePath: string
    webhookUrl: string
    /**
     * Where an OAuth bank sends the investor back to finish Link (the site's `/banks/oauth`),
     * once registered with Plaid; unset, Link is opened without one.
     */
    redirectUri?: string
  }
  postmark: { token?: string; apiUrl?: string; from: string; messageStream: string }
  /** Where investors write for help: the Reply-To of every email, and named on the site. */
  supportEmail: string
  sentry: { dsn?: string; release?: string }
  /**
   * Which proxy's headers to believe about the client (address, scheme). `fly`: Fly's proxy
   * sets `Fly-Client-IP` and `X-Forwarded-Proto` and overwrites whatever a client sent.
   */
  trustProxy: 'none' | 'fly'
  /** The internal-only port serving `GET /metrics` (API); undefined: no metrics listener. */
  metricsPort: number | undefined
  businessTimeZone: string
  repoRoot: string
}

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }
}

/** Parses the environment; throws EnvError naming every missing or malformed setting. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = schema.safeParse(source)
  if (!parsed.success) {
    throw new EnvError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    )
  }
  const raw = parsed.data
  const strict = raw.APP_ENV === 'staging' || raw.APP_ENV === 'production'

  if (strict) {
    const missing = requiredOutsideDevelopment.filter((name) => raw[name] === undefined)
    const problems = missing.map((name) => `${name}: required when APP_ENV=${raw.APP_ENV}`)
    if (raw.PLAID_ENV === 'local') {
      problems.push(`PLAID_ENV: must be sandbox or production when APP_ENV=${raw.APP_ENV}`)
    }
    for (const name of ['SESSION_KEYS', 'ENCRYPTION_KEYS'] as const) {
      if (holdsDevelopmentKey(raw[name])) {
        problems.push(
          `${name}: holds the public development key; generate keys of its own for APP_ENV=${raw.APP_ENV}`,
        )
      }
    }
    if (raw.DATABASE_URL?.startsWith('libsql:') && !raw.DATABASE_AUTH_TOKEN) {
      problems.push('DATABASE_AUTH_TOKEN: required for a libsql: DATABASE_URL')
    }
    if (problems.length > 0) throw new EnvError(problems)
  }

  const port = raw.PORT
  const publicUrl = trimSlash(raw.PUBLIC_URL ?? 'http://127.0.0.1:5173')
  const plaidEnv = raw.PLAID_ENV ?? 'local'
  const localPlaid = trimSlash(raw.PLAID_LOCAL_URL ?? 'http://127.0.0.1:4010')
  const apiUrl = trimSlash(raw.API_URL ?? 'http://127.0.0.1:3000')
  // Only the site's own page can finish Link after an OAuth bank; another address would leave
  // the investor there. Compared as URLs: a host name's letter case is not a difference.
  const oauthPage = `${publicUrl}/banks/oauth`
  const sameUrl = (a: string, b: string) => new URL(a).href === new URL(b).href
  if (raw.PLAID_REDIRECT_URI !== undefined && !sameUrl(raw.PLAID_REDIRECT_URI, oauthPage)) {
    throw new EnvError([`PLAID_REDIRECT_URI: must be ${oauthPage} (PUBLIC_URL/banks/oauth)`])
  }

  return {
    appEnv: raw.APP_ENV,
    isProduction: strict,
    port,
    logLevel: raw.LOG_LEVEL ?? (raw.APP_ENV === 'test' ? 'silent' : 'info'),
    publicUrl,
    apiUrl,
    database: {
      url: resolveFileUrl(raw.DATABASE_URL ?? 'file:data/tenor.db'),
      authToken: raw.DATABASE_AUTH_TOKEN,
      syncUrl: raw.DATABASE_SYNC_URL,
      syncInterval: raw.DATABASE_SYNC_INTERVAL,
    },
    sessionKeys: raw.SESSION_KEYS ?? keyList.parse(developmentKeys.SESSION_KEYS),
    encryptionKeys: raw.ENCRYPTION_KEYS ?? keyList.parse(developmentKeys.ENCRYPTION_KEYS),
    plaid: {
      env: plaidEnv,
      clientId: raw.PLAID_CLIENT_ID ?? 'local-client-id',
      secret: raw.PLAID_SECRET ?? 'local-secret',
      basePath:
        plaidEnv === 'local'
          ? localPlaid
          : plaidEnv === 'sandbox'
            ? 'https://sandbox.plaid.com'
            : 'https://production.plaid.com',
      webhookUrl: raw.PLAID_WEBHOOK_URL ?? `${apiUrl}/webhooks/plaid`,
      redirectUri: raw.PLAID_REDIRECT_URI,
    },
    postmark: {
      token: raw.POSTMARK_SERVER_TOKEN,
      apiUrl: raw.POSTMARK_API_URL,
      from: raw.POSTMARK_FROM ?? 'Tenor <notes@tenor.local>',
      messageStream: raw.POSTMARK_MESSAGE_STREAM ?? 'outbound',
    },
    supportEmail: raw.SUPPORT_EMAIL ?? 'support@tenor.local',
    sentry: { dsn: raw.SENTRY_DSN, release: raw.SENTRY_RELEASE },
    trustProxy: raw.TRUST_PROXY ?? 'none',
    // Fly's scraper reads 9091 (fly.toml [metrics]); locally there is no listener unless asked.
    metricsPort: raw.METRICS_PORT ?? (strict ? 9091 : undefined),
    businessTimeZone: raw.BUSINESS_TIME_ZONE ?? 'America/New_York',
    repoRoot,
  }
}

/** Reads process.env once; on bad configuration prints one line per problem and exits 1. */
export function loadEnv(overrides: Record<string, string | undefined> = {}): Env {
  try {
    return parseEnv({ ...process.env, ...overrides })
  } catch (error) {
    if (!(error instanceof EnvError)) throw error
    console.error('Tenor cannot start. Fix these settings:')
    for (const problem of error.problems) console.error(`  ${problem}`)
    process.exit(1)
  }
}

function trimSlash(value: string): string {
  return value.replace(/\/+$/, '')
}

// Relative file: URLs are taken from the repository root so every part finds the same file
// whatever directory it was started from.
function resolveFileUrl(value: string): string {
  if (!value.startsWith('file:')) return value
  const path = value.slice('file:'.length)
  if (path.startsWith('/')) return value
  return `file:${resolve(repoRoot, path)}`
}
