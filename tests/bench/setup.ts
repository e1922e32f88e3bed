/** A fresh, migrated and seeded database for one benchmark run, and the environment to use it. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { root } from './harness.ts'

export interface BenchDatabase {
  dir: string
  url: string
  remove(): void
}

export function prepareDatabase(): BenchDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'tenor-bench-'))
  const url = `file:${join(dir, 'tenor.db')}`
  for (const script of ['db/src/cli/migrate.ts', 'api/src/cli/seed.ts']) {
    const run = Bun.spawnSync(['bun', script], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    })
    if (run.exitCode !== 0) throw new Error(`${script} failed`)
  }
  return { dir, url, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

const key = `bench:${Buffer.alloc(32, 7).toString('base64')}`

/**
 * Settings that run the API exactly as in production (every production middleware on), with
 * placeholder secrets: nothing in the measured paths calls Plaid, Postmark or Sentry.
 */
export function productionLikeEnv(databaseUrl: string, port: number): Record<string, string> {
  return {
    APP_ENV: 'staging',
    PORT: String(port),
    METRICS_PORT: String(port + 100),
    // As behind Fly's proxy: requests carry X-Forwarded-Proto and Fly-Client-IP.
    TRUST_PROXY: 'fly',
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    PUBLIC_URL: 'https://tenor.example',
    SESSION_KEYS: key,
    ENCRYPTION_KEYS: key,
    PLAID_ENV: 'sandbox',
    PLAID_CLIENT_ID: 'bench',
    PLAID_SECRET: 'bench',
    POSTMARK_SERVER_TOKEN: 'bench',
    POSTMARK_FROM: 'Tenor <notes@tenor.example>',
    SUPPORT_EMAIL: 'support@example.com',
    SENTRY_DSN: 'http://bench@127.0.0.1:9/1',
  }
}
