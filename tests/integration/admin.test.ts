import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../support/app.ts'
import { signUp, turnOnTwoFactor } from '../support/users.ts'

let t: TestApp
beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

async function makeAdmin(email: string) {
  const { token, userId } = await signUp(t, email)
  await t.db.database.db.update(users).set({ role: 'admin' }).where(eq(users.id, userId))
  return { token, userId }
}

describe('GET /admin/users', () => {
  test('refuses anonymous callers with 401', async () => {
    expect((await t.request('/admin/users')).status).toBe(401)
  })

  test('refuses investors with 403', async () => {
    const { token } = await signUp(t, 'investor@example.com')
    const res = await t.request('/admin/users', { token })
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ error: { code: 'forbidden' } })
  })

  test('refuses an admin until two-factor is on and verified in the session', async () => {
    const { token } = await makeAdmin('admin@example.com')
    const before = await t.request('/admin/users', { token })
    expect(before.status).toBe(403)
    expect(await before.json()).toMatchObject({ error: { code: 'two_factor_required' } })

    await turnOnTwoFactor(t, token)
    const after = await t.request('/admin/users?query=ADMIN', { token })
    expect(after.status).toBe(200)
    expect(after.headers.get('cache-control')).toBe('no-store')
    const body = (await after.json()) as { users: { email: string }[] }
    expect(body.users.map((u) => u.email)).toEqual(['admin@example.com'])
  })

  test('a disabled admin loses access at once', async () => {
    const { token, userId } = await makeAdmin('admin@example.com')
    await turnOnTwoFactor(t, token)
    await t.db.database.db.update(users).set({ status: 'disabled' }).where(eq(users.id, userId))
    expect((await t.request('/admin/users', { token })).status).toBe(401)
  })

  test('filters by identity check status, however old the account', async () => {
    const { token } = await makeAdmin('admin@example.com')
    await turnOnTwoFactor(t, token)
    const waiting = await signUp(t, 'early@example.com')
    await t.db.database.db
      .update(users)
      .set({ kycStatus: 'submitted', createdAt: new Date('2020-01-01T00:00:00Z') })
      .where(eq(users.id, waiting.userId))
    await signUp(t, 'later@example.com')
    const res = await t.request('/admin/users?kycStatus=submitted&limit=1', { token })
    const body = (await res.json()) as { users: { email: string; kycStatus: string }[] }
    expect(body.users).toEqual([
      expect.objectContaining({ email: 'early@example.com', kycStatus: 'submitted' }),
    ])
    expect((await t.request('/admin/users?kycStatus=maybe', { token })).status).toBe(422)
    // A parameter the list does not take is named, not taken for the body.
    const unknown = await t.request('/admin/users?q=bob', { token })
    expect(unknown.status).toBe(422)
    expect(((await unknown.json()) as { error: { issues: unknown[] } }).error.issues).toEqual([
      { path: 'q', message: 'Remove this field: this request does not take it.' },
    ])
  })

  test('matches wildcards literally', async () => {
    const { token } = await makeAdmin('admin@example.com')
    await turnOnTwoFactor(t, token)
    const odd = await signUp(t, 'odd@example.com')
    await t.db.database.db
      .update(users)
      .set({ legalName: 'Odd [x]*?_% Name' })
      .where(eq(users.id, odd.userId))
    await signUp(t, 'axxxxxxb@example.com')
    for (const query of ['%', '_', '*', '?', '[', ']', '[x]*?_%', 'x]*']) {
      const res = await t.request(`/admin/users?query=${encodeURIComponent(query)}`, { token })
      const found = ((await res.json()) as { users: { id: string }[] }).users.map((u) => u.id)
      expect([query, found]).toEqual([query, [odd.userId]])
    }
  })

  test('finds names in any case, accented letters too', async () => {
    const { token } = await makeAdmin('admin@example.com')
    await turnOnTwoFactor(t, token)
    const elise = await signUp(t, 'elise@example.com')
    await t.db.database.db
      .update(users)
      .set({ legalName: 'Élise Straße-Øberg' })
      .where(eq(users.id, elise.userId))
    for (const query of ['élise', 'ÉLISE', 'straße', 'STRAßE', 'øberg', 'ØBERG']) {
      const res = await t.request(`/admin/users?query=${encodeURIComponent(query)}`, { token })
      const found = ((await res.json()) as { users: { id: string }[] }).users.map((u) => u.id)
      expect([query, found]).toEqual([query, [elise.userId]])
    }
  })
})

describe('development routes', () => {
  test('answer 404 in staging, however they are asked', async () => {
    const key = `k1:${Buffer.alloc(32, 9).toString('base64')}`
    const staging = await createTestApp({
      APP_ENV: 'staging',
      SESSION_KEYS: key,
      ENCRYPTION_KEYS: key,
      PLAID_ENV: 'sandbox',
      PLAID_CLIENT_ID: 'client',
      PLAID_SECRET: 'secret',
      POSTMARK_SERVER_TOKEN: 'token',
      POSTMARK_FROM: 'Tenor <notes@example.com>',
      SUPPORT_EMAIL: 'support@example.com',
      SENTRY_DSN: 'http://key@127.0.0.1:9/1',
    })
    try {
      expect((await staging.request('/dev/mailbox')).status).toBe(404)
      expect((await staging.request('/dev/plaid/institutions')).status).toBe(404)
    } finally {
      staging.close()
    }
    expect((await t.request('/dev/plaid/institutions')).status).toBe(200)
  })
})

describe('admin path variants', () => {
  test('no spelling of an admin path reaches an admin handler without an admin session', async () => {
    const investor = await signUp(t, 'investor@example.com')
    const variants = [
      '/admin/users',
      '//admin/users',
      '/admin//users',
      '/admin%2Fusers',
      '/admin%2fusers',
      '/%61dmin/users',
      '/ADMIN/users',
      '/Admin/users',
      '/admin/./users',
      '/./admin/users',
      '/admin/users/',
      '/admin/users.',
      '/admin./users',
      '/admin;/users',
      '/admin/users%00',
      '/admin/%2e/users',
    ]
    for (const path of variants) {
      for (const token of [undefined, investor.token]) {
        const res = await t.app.request(`http://tenor.test${path}`, {
          headers: token ? { authorization: `Bearer ${token}` } : {},
        })
        const body = await res.text()
        expect({ path, investor: token !== undefined, ok: res.status < 300 }).toEqual({
          path,
          investor: token !== undefined,
          ok: false,
        })
        expect(body).not.toContain('"users"')
      }
    }
  })
})
