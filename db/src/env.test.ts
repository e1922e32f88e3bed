import { describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { EnvError, parseEnv } from './env.ts'

const key = `k1:${Buffer.alloc(32, 7).toString('base64')}`
const production = {
  APP_ENV: 'production',
  DATABASE_URL: 'libsql://tenor.example.turso.io',
  DATABASE_AUTH_TOKEN: 'token',
  SESSION_KEYS: key,
  ENCRYPTION_KEYS: key,
  PLAID_ENV: 'production',
  PLAID_CLIENT_ID: 'client',
  PLAID_SECRET: 'secret',
  POSTMARK_SERVER_TOKEN: 'pm',
  POSTMARK_FROM: 'Tenor <notes@example.com>',
  SUPPORT_EMAIL: 'support@example.com',
  SENTRY_DSN: 'https://key@sentry.example/1',
  PUBLIC_URL: 'https://tenor.example',
}

function problems(source: Record<string, string | undefined>): string[] {
  try {
    parseEnv(source)
    return []
  } catch (error) {
    if (error instanceof EnvError) return error.problems
    throw error
  }
}

describe('parseEnv', () => {
  test('needs nothing at all in development', () => {
    const env = parseEnv({})
    expect(env.appEnv).toBe('development')
    expect(env.database.url).toStartWith('file:/')
    expect(env.plaid.env).toBe('local')
    expect(env.sessionKeys[0]?.key.length).toBe(32)
  })

  test('accepts a complete production configuration', () => {
    expect(problems(production)).toEqual([])
  })

  test('names every missing production setting, one line each', () => {
    const { SENTRY_DSN: _dsn, PLAID_SECRET: _secret, ...rest } = production
    expect(problems(rest)).toEqual([
      'PLAID_SECRET: required when APP_ENV=production',
      'SENTRY_DSN: required when APP_ENV=production',
    ])
  })

  test('names malformed settings', () => {
    const found = problems({ ...production, SESSION_KEYS: 'k1:short', PUBLIC_URL: 'nope' })
    expect(found.some((p) => p.startsWith('SESSION_KEYS:'))).toBe(true)
    expect(found.some((p) => p.startsWith('PUBLIC_URL:'))).toBe(true)
  })

  test('refuses the public development keys outside development, even among others', () => {
    const development = parseEnv({})
    const listed = (keys: typeof development.sessionKeys) =>
      keys.map(({ id, key }) => `${id}:${key.toString('base64')}`).join(',')
    expect(
      problems({
        ...production,
        SESSION_KEYS: `${key},${listed(development.sessionKeys)}`,
        // The development session key given as the encryption key is as public.
        ENCRYPTION_KEYS: listed(development.sessionKeys).replace('dev1', 'k2'),
      }),
    ).toEqual([
      'SESSION_KEYS: holds the public development key; generate keys of its own for APP_ENV=production',
      'ENCRYPTION_KEYS: holds the public development key; generate keys of its own for APP_ENV=production',
    ])
    expect(
      problems({
        ...production,
        APP_ENV: 'staging',
        ENCRYPTION_KEYS: listed(development.encryptionKeys),
      }),
    ).toEqual([
      'ENCRYPTION_KEYS: holds the public development key; generate keys of its own for APP_ENV=staging',
    ])
  })

  test('takes an OAuth redirect only to the site page that finishes Link', () => {
    expect(
      parseEnv({ ...production, PLAID_REDIRECT_URI: 'https://tenor.example/banks/oauth' }).plaid
        .redirectUri,
    ).toBe('https://tenor.example/banks/oauth')
    expect(parseEnv(production).plaid.redirectUri).toBeUndefined()
    // Host names differ only in letter case: the same address.
    expect(
      parseEnv({ ...production, PLAID_REDIRECT_URI: 'https://Tenor.Example/banks/oauth' }).plaid
        .redirectUri,
    ).toBe('https://Tenor.Example/banks/oauth')
    expect(problems({ ...production, PLAID_REDIRECT_URI: 'https://tenor.example/oauth' })).toEqual([
      'PLAID_REDIRECT_URI: must be https://tenor.example/banks/oauth (PUBLIC_URL/banks/oauth)',
    ])
  })

  test('refuses the local Plaid stand-in in production', () => {
    expect(problems({ ...production, PLAID_ENV: 'local' })).toEqual([
      'PLAID_ENV: must be sandbox or production when APP_ENV=production',
    ])
  })
})

describe('starting the API in production with a setting missing', () => {
  test('exits non-zero and names the setting', () => {
    const { ENCRYPTION_KEYS: _omit, ...rest } = production
    const result = Bun.spawnSync(['bun', join(import.meta.dir, '../../api/src/server.ts')], {
      env: { PATH: process.env.PATH ?? '', ...rest },
      stderr: 'pipe',
      stdout: 'pipe',
    })
    expect(result.exitCode).not.toBe(0)
    expect(result.stderr.toString()).toContain('ENCRYPTION_KEYS: required when APP_ENV=production')
  })
})
