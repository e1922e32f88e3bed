import { afterEach, describe, expect, test } from 'bun:test'
import { hashPassword } from '@tenor/api/lib/passwords'
import { newId } from '@tenor/db'
import { users } from '@tenor/db/schema'
import { createTestApp, type TestApp, testPublicUrl, tokenFromEmail } from '../support/app.ts'
import { signUp, testPassword } from '../support/users.ts'

let t: TestApp
afterEach(() => t.close())

const key = `k1:${Buffer.alloc(32, 7).toString('base64')}`
/** Everything APP_ENV=production requires; nothing here is contacted by these tests. */
const production = {
  APP_ENV: 'production',
  SESSION_KEYS: key,
  ENCRYPTION_KEYS: key,
  PLAID_ENV: 'sandbox',
  PLAID_CLIENT_ID: 'client',
  PLAID_SECRET: 'secret',
  POSTMARK_SERVER_TOKEN: 'token',
  POSTMARK_FROM: 'Tenor <notes@example.com>',
  SUPPORT_EMAIL: 'support@example.com',
  SENTRY_DSN: 'http://key@127.0.0.1:9/1',
  PUBLIC_URL: 'https://tenor.example',
  API_URL: 'https://api.tenor.example',
}

describe('headers on API answers', () => {
  test('every answer is nosniff, unframeable and sends no referrer', async () => {
    t = await createTestApp()
    for (const path of ['/health', '/no-such-route', '/openapi.json']) {
      const res = await t.request(path)
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('x-frame-options')).toBe('DENY')
      expect(res.headers.get('referrer-policy')).toBe('no-referrer')
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
    }
  })

  test('answers to a signed-in caller are never stored by a cache', async () => {
    t = await createTestApp()
    const { token } = await signUp(t, 'ada@example.com')
    expect((await t.request('/me', { token })).headers.get('cache-control')).toBe('no-store')
    const login = await t.request('/auth/login', {
      json: { email: 'ada@example.com', password: testPassword },
    })
    expect(login.headers.get('cache-control')).toBe('no-store')
  })
})

describe('CORS', () => {
  test('allows the site origin with credentials', async () => {
    t = await createTestApp()
    const preflight = await t.request('/auth/login', {
      method: 'OPTIONS',
      headers: { origin: testPublicUrl, 'access-control-request-method': 'POST' },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('access-control-allow-origin')).toBe(testPublicUrl)
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true')
    const res = await t.request('/health', { headers: { origin: testPublicUrl } })
    expect(res.headers.get('access-control-allow-origin')).toBe(testPublicUrl)
    expect(res.headers.get('vary')).toContain('Origin')
  })

  test('gives any other origin nothing: no echo, no credentials', async () => {
    t = await createTestApp()
    for (const origin of ['https://evil.example', 'null', `${testPublicUrl}.evil.example`]) {
      const preflight = await t.request('/auth/login', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      })
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull()
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull()
      const res = await t.request('/health', { headers: { origin } })
      expect(res.headers.get('access-control-allow-origin')).toBeNull()
    }
  })
})

describe('production mode', () => {
  test('redirects plain HTTP reaching the proxy, refuses plain-HTTP writes, and sends HSTS', async () => {
    t = await createTestApp({ ...production, TRUST_PROXY: 'fly' })
    const plain = await t.request('https://api.tenor.example/health?x=1', {
      headers: { 'x-forwarded-proto': 'http' },
    })
    expect(plain.status).toBe(301)
    expect(plain.headers.get('location')).toBe('https://api.tenor.example/health?x=1')

    const write = await t.request('https://api.tenor.example/auth/login', {
      json: { email: 'a@example.com', password: 'x' },
      headers: { 'x-forwarded-proto': 'http' },
    })
    expect(write.status).toBe(403)
    expect(((await write.json()) as { error: { code: string } }).error.code).toBe('https_required')

    const secure = await t.request('https://api.tenor.example/health', {
      headers: { 'x-forwarded-proto': 'https' },
    })
    expect(secure.status).toBe(200)
    expect(secure.headers.get('strict-transport-security')).toBe(
      'max-age=31536000; includeSubDomains',
    )
    // Without proxy headers the request came over Fly's private network (health checks, site).
    expect((await t.request('https://api.tenor.example/health')).status).toBe(200)
  })

  test('serves no API description or reference page in production', async () => {
    t = await createTestApp(production)
    for (const path of ['/openapi.json', '/docs']) {
      const res = await t.request(`https://api.tenor.example${path}`)
      expect(res.status).toBe(404)
      expect(await res.json()).toMatchObject({ error: { code: 'not_found' } })
    }
  })

  test('sets the session cookie Secure, HttpOnly and __Host- prefixed, with no Domain', async () => {
    t = await createTestApp(production)
    const now = t.clock.now()
    await t.db.database.db.insert(users).values({
      id: newId(),
      email: 'ada@example.com',
      passwordHash: await hashPassword(testPassword),
      legalName: 'Ada Lovelace',
      emailVerifiedAt: now,
      createdAt: now,
      updatedAt: now,
    })
    const res = await t.request('https://api.tenor.example/auth/login', {
      json: { email: 'ada@example.com', password: testPassword },
    })
    expect(res.status).toBe(200)
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toStartWith('__Host-tenor_session=')
    expect(cookie).toContain('Secure')
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('Path=/')
    expect(cookie.toLowerCase()).not.toContain('domain=')
  })
})

describe('links in emails', () => {
  test('a password reset requested with a forged Host header links to the configured URL', async () => {
    t = await createTestApp()
    await signUp(t, 'ada@example.com')
    const res = await t.request('http://evil.example/auth/forgot-password', {
      json: { email: 'ada@example.com' },
      headers: {
        host: 'evil.example',
        'x-forwarded-host': 'evil.example',
        'x-forwarded-proto': 'http',
        forwarded: 'host=evil.example',
      },
    })
    expect(res.status).toBe(202)
    const [mail] = await t.mailbox('ada@example.com')
    expect(mail?.kind).toBe('password_reset')
    expect(mail?.text).toContain(`${testPublicUrl}/reset-password?token=`)
    expect(mail?.text).not.toContain('evil.example')
    expect(tokenFromEmail(mail?.text ?? '')).toBeTruthy()
  })
})
