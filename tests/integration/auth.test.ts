import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { validateSessionToken } from '@tenor/api/lib/sessions'
import type { Key } from '@tenor/db/env'
import { sessions, users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import { createTestApp, type TestApp, tokenFromEmail } from '../support/app.ts'
import { login, register, registerAndVerify } from '../support/auth.ts'
import { testPassword } from '../support/users.ts'

const password = testPassword
let t: TestApp

beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

describe('POST /auth/register', () => {
  test('creates an unverified account and emails a confirmation link', async () => {
    const res = await register(t)
    expect(res.status).toBe(202)
    const user = await t.db.database.db.query.users.findFirst({
      where: eq(users.email, 'ada@example.com'),
    })
    expect(user?.emailVerifiedAt).toBeNull()
    expect(user?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=65536,t=2,p=1\$/)
    const [mail] = await t.mailbox('ada@example.com')
    expect(mail?.kind).toBe('verify_email')
    expect(mail?.text).toContain('http://tenor.test/verify-email?token=')
  })

  test("a missing or mistyped field is named in plain words, not the validator's", async () => {
    const res = await t.request('/auth/register', {
      json: { password: 12, legalName: 'Ada Lovelace' },
    })
    expect(res.status).toBe(422)
    const { error } = (await res.json()) as {
      error: { issues: { path: string; message: string }[] }
    }
    expect(error.issues).toEqual([
      { path: 'email', message: 'This field is required.' },
      { path: 'password', message: 'Expected text.' },
    ])

    const odd = await t.request('/auth/register', {
      json: { email: 'ada@example.com', password: 'x'.repeat(2000), legalName: 'Ada', extra: 1 },
    })
    const { error: oddError } = (await odd.json()) as {
      error: { issues: { path: string; message: string }[] }
    }
    expect(oddError.issues).toEqual(
      expect.arrayContaining([
        { path: 'extra', message: 'Remove this field: this request does not take it.' },
        { path: 'password', message: expect.stringMatching(/^Use at most \d+ characters\.$/) },
      ]),
    )
  })

  test('answers an existing email exactly as a new one, and tells the owner by email', async () => {
    const first = await register(t)
    const second = await register(t, 'ADA@Example.com ')
    expect(second.status).toBe(first.status)
    expect(await second.json()).toEqual(await first.json())
    const count = await t.db.database.db.$count(users)
    expect(count).toBe(1)
    const kinds = (await t.mailbox('ada@example.com')).map((m) => m.kind)
    expect(kinds).toEqual(['account_exists', 'verify_email'])
  })

  test('refuses short, common and self-describing passwords with a field message', async () => {
    for (const pw of [
      'short pass',
      'passwordpassword',
      'password password',
      'password password password1',
      'aaaaaaaaaaaaaaaaaaaa',
      'ada@example.com',
    ]) {
      const res = await register(t, 'ada@example.com', pw)
      expect(res.status).toBe(422)
      const body = (await res.json()) as { error: { code: string; issues: { path: string }[] } }
      expect(body.error.code).toBe('validation_failed')
      expect(body.error.issues[0]?.path).toBe('password')
    }
    expect(await t.db.database.db.$count(users)).toBe(0)
  })

  test('reports a weak password together with the other invalid fields', async () => {
    const res = await t.request('/auth/register', {
      json: { email: 'not-an-email', password: 'too short', legalName: 'A' },
    })
    expect(res.status).toBe(422)
    const body = (await res.json()) as { error: { issues: { path: string }[] } }
    expect(body.error.issues.map((i) => i.path).sort()).toEqual(['email', 'legalName', 'password'])
  })

  test('accepts a 64-character password with spaces and emoji', async () => {
    const long = 'violet 🐎 lanterns drift over quiet harbours at dawn 🌅 humming ol'
    expect([...long]).toHaveLength(64)
    expect((await register(t, 'long@example.com', long)).status).toBe(202)
    expect((await login(t, 'long@example.com', long)).res.status).toBe(200)
  })

  test('refuses unknown fields instead of assigning them', async () => {
    const res = await t.request('/auth/register', {
      json: { email: 'eve@example.com', password, legalName: 'Eve', role: 'admin' },
    })
    expect(res.status).toBe(422)
    expect(await t.db.database.db.$count(users)).toBe(0)
  })
})

describe('POST /auth/verify-email', () => {
  test('confirms the address once; the link followed again says it is confirmed, until the address changes', async () => {
    await register(t)
    const [mail] = await t.mailbox('ada@example.com')
    const token = tokenFromEmail(mail?.text ?? '')
    const ok = await t.request('/auth/verify-email', { json: { token } })
    expect(ok.status).toBe(200)
    const again = await t.request('/auth/verify-email', { json: { token } })
    expect(again.status).toBe(200)
    expect(((await again.json()) as { message: string }).message).toBe(
      'Your email address is already confirmed.',
    )
    const { body } = await login(t)
    expect((body.user as { emailVerified: boolean }).emailVerified).toBe(true)

    // Once the account has moved to another address, the old link is simply spent.
    await t.db.database.db
      .update(users)
      .set({ email: 'ada.new@example.com' })
      .where(eq(users.email, 'ada@example.com'))
    const moved = await t.request('/auth/verify-email', { json: { token } })
    expect(moved.status).toBe(400)
    expect(((await moved.json()) as { error: { code: string } }).error.code).toBe('invalid_token')
  })

  test('refuses an expired token', async () => {
    await register(t)
    const [mail] = await t.mailbox('ada@example.com')
    t.clock.advance(25 * 60 * 60 * 1000)
    const res = await t.request('/auth/verify-email', {
      json: { token: tokenFromEmail(mail?.text ?? '') },
    })
    expect(res.status).toBe(400)
  })
})

describe('POST /auth/login', () => {
  test('a disabled account is told so, with whom to ask, only for the right password', async () => {
    await registerAndVerify(t)
    await t.db.database.db
      .update(users)
      .set({ status: 'disabled' })
      .where(eq(users.email, 'ada@example.com'))
    const wrong = await login(t, 'ada@example.com', 'not the password at all, surely')
    expect(wrong.res.status).toBe(401)
    const right = await login(t)
    expect(right.res.status).toBe(403)
    const { error } = right.body as unknown as { error: { code: string; message: string } }
    expect(error.code).toBe('account_disabled')
    expect(error.message).toContain(t.deps.env.supportEmail)
  })

  test('answers a wrong password and an unknown email identically', async () => {
    await registerAndVerify(t)
    const wrong = await login(t, 'ada@example.com', 'not the right passphrase at all')
    const unknown = await login(t, 'nobody@example.com', 'not the right passphrase at all')
    expect(wrong.res.status).toBe(401)
    expect(unknown.res.status).toBe(401)
    const strip = (b: Record<string, unknown>) => ({
      ...(b.error as object),
      requestId: undefined,
    })
    expect(strip(wrong.body)).toEqual(strip(unknown.body))
  })

  test('issues a new token at every login and ends the session presented', async () => {
    await registerAndVerify(t)
    const first = await login(t)
    const res = await t.request('/auth/login', {
      json: { email: 'ada@example.com', password },
      token: first.body.token,
    })
    const second = (await res.json()) as { token: string }
    expect(second.token).not.toBe(first.body.token)
    expect(Buffer.from(second.token, 'base64url').length).toBeGreaterThanOrEqual(16)
    expect((await t.request('/auth/session', { token: first.body.token })).status).toBe(401)
    expect((await t.request('/auth/session', { token: second.token })).status).toBe(200)
  })

  test('sets an HttpOnly SameSite=Lax cookie that also authenticates', async () => {
    await registerAndVerify(t)
    const { res } = await login(t)
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Lax')
    const pair = cookie.split(';')[0] ?? ''
    const me = await t.request('/me', { headers: { cookie: pair } })
    expect(me.status).toBe(200)
  })

  test('pauses sign-in after ten failures, then lets the owner back in after the pause', async () => {
    await registerAndVerify(t)
    for (let i = 0; i < 10; i++) await login(t, 'ada@example.com', 'wrong passphrase number one')
    expect((await login(t)).res.status).toBe(401)
    t.clock.advance(16 * 60 * 1000)
    expect((await login(t)).res.status).toBe(200)
  })

  test('counts guesses sent in parallel, each of them', async () => {
    await registerAndVerify(t)
    await Promise.all(
      Array.from({ length: 12 }, () => login(t, 'ada@example.com', 'wrong passphrase number one')),
    )
    expect((await login(t)).res.status).toBe(401)
  })

  test('expires a session after two idle hours', async () => {
    await registerAndVerify(t)
    const { body } = await login(t)
    t.clock.advance(2 * 60 * 60 * 1000 + 1)
    expect((await t.request('/auth/session', { token: body.token })).status).toBe(401)
  })

  test('never stores the session token itself', async () => {
    await registerAndVerify(t)
    const { body } = await login(t)
    const rows = await t.db.database.db.select().from(sessions)
    expect(rows.some((row) => row.tokenHash === body.token)).toBe(false)
  })

  test('a session begun under a retired key lasts while that key is still listed', async () => {
    await registerAndVerify(t)
    const { body } = await login(t)
    const [current] = t.deps.env.sessionKeys
    if (!current) throw new Error('no session key')
    const next: Key = { id: 'next', key: Buffer.alloc(32, 9) }
    const check = (keys: Key[]) =>
      validateSessionToken(t.db.database, keys, body.token, t.clock.now())

    expect((await check([next, current]))?.user.email).toBe('ada@example.com')
    expect(await check([next])).toBeNull()
    expect(await check([current])).not.toBeNull()
  })
})

describe('POST /auth/logout and /auth/logout-all', () => {
  test('logout ends only this session', async () => {
    await registerAndVerify(t)
    const a = await login(t)
    const b = await login(t)
    expect((await t.request('/auth/logout', { json: {}, token: a.body.token })).status).toBe(200)
    expect((await t.request('/me', { token: a.body.token })).status).toBe(401)
    expect((await t.request('/me', { token: b.body.token })).status).toBe(200)
  })

  test('logout-all ends every session of the account', async () => {
    await registerAndVerify(t)
    const a = await login(t)
    const b = await login(t)
    const res = await t.request('/auth/logout-all', { json: {}, token: a.body.token })
    expect(await res.json()).toEqual({ ended: 2 })
    expect((await t.request('/me', { token: a.body.token })).status).toBe(401)
    expect((await t.request('/me', { token: b.body.token })).status).toBe(401)
  })
})

describe('request shape', () => {
  test('answers malformed JSON with 400 and a stable code', async () => {
    const res = await t.request('/auth/login', {
      headers: { 'content-type': 'application/json' },
      json: undefined,
      method: 'POST',
    })
    expect([400, 422]).toContain(res.status)
    const raw = await t.app.request('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email": ',
    })
    expect(raw.status).toBe(400)
    expect(((await raw.json()) as { error: { code: string } }).error.code).toBe('malformed_json')
  })

  test('refuses a missing or wrong Content-Type with 415 before any handler runs', async () => {
    for (const type of [undefined, 'text/plain', 'application/x-www-form-urlencoded']) {
      const res = await t.app.request('/auth/register', {
        method: 'POST',
        headers: type ? { 'content-type': type } : {},
        body: JSON.stringify({ email: 'a@example.com', password, legalName: 'A B' }),
      })
      expect(res.status).toBe(415)
    }
    expect(await t.db.database.db.$count(users)).toBe(0)
  })

  test('accepts application/json in any case with parameters', async () => {
    const res = await t.request('/auth/register', {
      headers: { 'content-type': 'Application/JSON; charset=utf-8' },
      json: { email: 'case@example.com', password, legalName: 'Case Test' },
    })
    expect(res.status).toBe(202)
  })

  test('refuses an oversized body with 413 and writes nothing', async () => {
    const res = await t.request('/auth/register', {
      json: { email: 'big@example.com', password, legalName: 'x'.repeat(100_000) },
    })
    expect(res.status).toBe(413)
    expect(await t.db.database.db.$count(users)).toBe(0)
  })

  test('answers an unknown route with a JSON 404', async () => {
    const res = await t.request('/nope')
    expect(res.status).toBe(404)
    const body = (await res.json()) as { error: { code: string; requestId: string } }
    expect(body.error.code).toBe('not_found')
    expect(body.error.requestId).toBe(res.headers.get('x-request-id') ?? '')
  })
})
