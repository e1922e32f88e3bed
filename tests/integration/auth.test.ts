import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { validateSessionToken } from '@tenor/api/lib/sessions'
import { currentTotpCode } from '@tenor/api/lib/totp'
import type { Key } from '@tenor/db/env'
import { sessions, users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import { createTestApp, type TestApp, tokenFromEmail } from '../support/app.ts'
import { turnOnTwoFactor } from '../support/users.ts'

const password = 'a long and unusual passphrase 42'
let t: TestApp

beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

async function register(email = 'ada@example.com', pw = password) {
  return t.request('/auth/register', { json: { email, password: pw, legalName: 'Ada Lovelace' } })
}

async function login(email = 'ada@example.com', pw = password) {
  const res = await t.request('/auth/login', { json: { email, password: pw } })
  return { res, body: (await res.json()) as Record<string, unknown> & { token: string } }
}

async function registerAndVerify(email = 'ada@example.com') {
  await register(email)
  const [mail] = await t.mailbox(email)
  if (!mail) throw new Error('no verification email')
  await t.request('/auth/verify-email', { json: { token: tokenFromEmail(mail.text) } })
}

describe('POST /auth/register', () => {
  test('creates an unverified account and emails a confirmation link', async () => {
    const res = await register()
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
    const first = await register()
    const second = await register('ADA@Example.com ')
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
      const res = await register('ada@example.com', pw)
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
    expect((await register('long@example.com', long)).status).toBe(202)
    expect((await login('long@example.com', long)).res.status).toBe(200)
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
  test('confirms the address once; the same token then fails', async () => {
    await register()
    const [mail] = await t.mailbox('ada@example.com')
    const token = tokenFromEmail(mail?.text ?? '')
    const ok = await t.request('/auth/verify-email', { json: { token } })
    expect(ok.status).toBe(200)
    const again = await t.request('/auth/verify-email', { json: { token } })
    expect(again.status).toBe(400)
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('invalid_token')
    const { body } = await login()
    expect((body.user as { emailVerified: boolean }).emailVerified).toBe(true)
  })

  test('refuses an expired token', async () => {
    await register()
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
    await registerAndVerify()
    await t.db.database.db
      .update(users)
      .set({ status: 'disabled' })
      .where(eq(users.email, 'ada@example.com'))
    const wrong = await login('ada@example.com', 'not the password at all, surely')
    expect(wrong.res.status).toBe(401)
    const right = await login()
    expect(right.res.status).toBe(403)
    const { error } = right.body as unknown as { error: { code: string; message: string } }
    expect(error.code).toBe('account_disabled')
    expect(error.message).toContain(t.deps.env.supportEmail)
  })

  test('answers a wrong password and an unknown email identically', async () => {
    await registerAndVerify()
    const wrong = await login('ada@example.com', 'not the right passphrase at all')
    const unknown = await login('nobody@example.com', 'not the right passphrase at all')
    expect(wrong.res.status).toBe(401)
    expect(unknown.res.status).toBe(401)
    const strip = (b: Record<string, unknown>) => ({
      ...(b.error as object),
      requestId: undefined,
    })
    expect(strip(wrong.body)).toEqual(strip(unknown.body))
  })

  test('issues a new token at every login and ends the session presented', async () => {
    await registerAndVerify()
    const first = await login()
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
    await registerAndVerify()
    const { res } = await login()
    const cookie = res.headers.get('set-cookie') ?? ''
    expect(cookie).toContain('HttpOnly')
    expect(cookie).toContain('SameSite=Lax')
    const pair = cookie.split(';')[0] ?? ''
    const me = await t.request('/me', { headers: { cookie: pair } })
    expect(me.status).toBe(200)
  })

  test('pauses sign-in after ten failures, then lets the owner back in after the pause', async () => {
    await registerAndVerify()
    for (let i = 0; i < 10; i++) await login('ada@example.com', 'wrong passphrase number one')
    expect((await login()).res.status).toBe(401)
    t.clock.advance(16 * 60 * 1000)
    expect((await login()).res.status).toBe(200)
  })

  test('counts guesses sent in parallel, each of them', async () => {
    await registerAndVerify()
    await Promise.all(
      Array.from({ length: 12 }, () => login('ada@example.com', 'wrong passphrase number one')),
    )
    expect((await login()).res.status).toBe(401)
  })

  test('expires a session after two idle hours', async () => {
    await registerAndVerify()
    const { body } = await login()
    t.clock.advance(2 * 60 * 60 * 1000 + 1)
    expect((await t.request('/auth/session', { token: body.token })).status).toBe(401)
  })

  test('never stores the session token itself', async () => {
    await registerAndVerify()
    const { body } = await login()
    const rows = await t.db.database.db.select().from(sessions)
    expect(rows.some((row) => row.tokenHash === body.token)).toBe(false)
  })

  test('a session begun under a retired key lasts while that key is still listed', async () => {
    await registerAndVerify()
    const { body } = await login()
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
    await registerAndVerify()
    const a = await login()
    const b = await login()
    expect((await t.request('/auth/logout', { json: {}, token: a.body.token })).status).toBe(200)
    expect((await t.request('/me', { token: a.body.token })).status).toBe(401)
    expect((await t.request('/me', { token: b.body.token })).status).toBe(200)
  })

  test('logout-all ends every session of the account', async () => {
    await registerAndVerify()
    const a = await login()
    const b = await login()
    const res = await t.request('/auth/logout-all', { json: {}, token: a.body.token })
    expect(await res.json()).toEqual({ ended: 2 })
    expect((await t.request('/me', { token: a.body.token })).status).toBe(401)
    expect((await t.request('/me', { token: b.body.token })).status).toBe(401)
  })
})

describe('forgot and reset password', () => {
  test('resets once with the emailed token and ends every session', async () => {
    await registerAndVerify()
    const before = await login()
    const forgot = await t.request('/auth/forgot-password', { json: { email: 'ada@example.com' } })
    expect(forgot.status).toBe(202)
    const [mail] = await t.mailbox('ada@example.com')
    expect(mail?.kind).toBe('password_reset')
    const token = tokenFromEmail(mail?.text ?? '')
    // The password it has is not a new one; the link still works for a real change after.
    const same = await t.request('/auth/reset-password', { json: { token, password } })
    expect(same.status).toBe(422)
    expect(((await same.json()) as { error: { code: string } }).error.code).toBe(
      'password_unchanged',
    )
    const newPassword = 'an entirely different passphrase 7'
    const reset = await t.request('/auth/reset-password', {
      json: { token, password: newPassword },
    })
    expect(reset.status).toBe(200)
    expect((await t.request('/me', { token: before.body.token })).status).toBe(401)
    expect((await login()).res.status).toBe(401)
    expect((await login('ada@example.com', newPassword)).res.status).toBe(200)
    const reused = await t.request('/auth/reset-password', {
      json: { token, password: 'yet another passphrase entirely' },
    })
    expect(reused.status).toBe(400)
    expect((await t.mailbox('ada@example.com'))[0]?.kind).toBe('password_changed')
  })

  test('a new password voids every link mailed before it, an email change included', async () => {
    await registerAndVerify()
    const { body } = await login()
    // Someone with the session asks to move the account to their own address…
    await t.request('/me/email', {
      method: 'POST',
      json: { newEmail: 'mallory@example.com', password },
      token: body.token,
    })
    const [change] = await t.mailbox('mallory@example.com')
    // …and two reset links go out; the owner uses the second.
    await t.request('/auth/forgot-password', { json: { email: 'ada@example.com' } })
    t.clock.advance(60_000)
    await t.request('/auth/forgot-password', { json: { email: 'ada@example.com' } })
    const resets = (await t.mailbox('ada@example.com')).filter((m) => m.kind === 'password_reset')
    expect(resets).toHaveLength(2)
    const [newest, oldest] = resets.map((m) => tokenFromEmail(m.text))
    const reset = await t.request('/auth/reset-password', {
      json: { token: newest, password: 'an entirely different passphrase 7' },
    })
    expect(reset.status).toBe(200)

    const older = await t.request('/auth/reset-password', {
      json: { token: oldest, password: 'yet another passphrase entirely' },
    })
    expect(older.status).toBe(400)
    const moved = await t.request('/auth/verify-email', {
      json: { token: tokenFromEmail(change?.text ?? '') },
    })
    expect(moved.status).toBe(400)
    expect((await login('ada@example.com', 'an entirely different passphrase 7')).res.status).toBe(
      200,
    )
  })

  test('refuses a reset token mailed to an address the account no longer has', async () => {
    await registerAndVerify()
    await t.request('/auth/forgot-password', { json: { email: 'ada@example.com' } })
    const [mail] = await t.mailbox('ada@example.com')
    await t.db.database.db
      .update(users)
      .set({ email: 'ada@new.example' })
      .where(eq(users.email, 'ada@example.com'))

    const res = await t.request('/auth/reset-password', {
      json: {
        token: tokenFromEmail(mail?.text ?? ''),
        password: 'an entirely different passphrase',
      },
    })
    expect(res.status).toBe(400)
    expect((await login('ada@new.example')).res.status).toBe(200)
  })

  test('refuses a reset token older than an hour', async () => {
    await registerAndVerify()
    await t.request('/auth/forgot-password', { json: { email: 'ada@example.com' } })
    const [mail] = await t.mailbox('ada@example.com')
    t.clock.advance(61 * 60 * 1000)
    const res = await t.request('/auth/reset-password', {
      json: {
        token: tokenFromEmail(mail?.text ?? ''),
        password: 'an entirely different passphrase',
      },
    })
    expect(res.status).toBe(400)
  })

  test('answers an unknown email exactly as a known one and sends nothing', async () => {
    await registerAndVerify()
    const known = await t.request('/auth/forgot-password', { json: { email: 'ada@example.com' } })
    const unknown = await t.request('/auth/forgot-password', { json: { email: 'x@example.com' } })
    expect(unknown.status).toBe(known.status)
    expect(await unknown.json()).toEqual(await known.json())
    expect(await t.mailbox('x@example.com')).toEqual([])
  })

  test('a disabled account gets no link, only word that it is disabled, and the same answer', async () => {
    await registerAndVerify()
    await t.db.database.db
      .update(users)
      .set({ status: 'disabled' })
      .where(eq(users.email, 'ada@example.com'))
    const res = await t.request('/auth/forgot-password', { json: { email: 'ada@example.com' } })
    expect(res.status).toBe(202)
    const mails = await t.mailbox('ada@example.com')
    expect(mails.map((m) => m.kind)).toEqual(['account_disabled', 'verify_email'])
    expect(mails[0]?.text).toContain('the account is disabled')
    expect(mails[0]?.text).not.toContain('/reset-password')
  })
})

describe('two-factor', () => {
  test('wrong codes pause sign-in like wrong passwords, and the right password does not clear them', async () => {
    await registerAndVerify()
    const { body } = await login()
    await turnOnTwoFactor(t, body.token)
    const stored = async () =>
      t.db.database.db.query.users.findFirst({ where: eq(users.email, 'ada@example.com') })
    const guessFive = async () => {
      const pending = await login()
      for (let i = 0; i < 5; i++) {
        await t.request('/auth/login/two-factor', {
          json: { code: '000000' },
          token: pending.body.token,
        })
      }
    }

    await guessFive()
    // Past the code step's rate window, signing in again with the right password keeps the
    // five wrong codes counted…
    t.clock.advance(16 * 60 * 1000)
    await login()
    expect((await stored())?.failedLoginCount).toBe(5)
    // …so the tenth pauses sign-in, codes included.
    await guessFive()
    expect((await stored())?.lockedUntil?.getTime()).toBeGreaterThan(t.clock.now().getTime())
  })

  test('once on, a new session must pass the code step before anything else', async () => {
    await registerAndVerify()
    const { body } = await login()
    const setup = await t.request('/me/two-factor/setup', { json: {}, token: body.token })
    const { secret } = (await setup.json()) as { secret: string }
    const other = await login()
    const wrongPassword = await t.request('/me/two-factor/enable', {
      json: { code: currentTotpCode(secret, t.clock.now()), password: 'not the password at all' },
      token: body.token,
    })
    expect(wrongPassword.status).toBe(400)
    const enable = await t.request('/me/two-factor/enable', {
      json: { code: currentTotpCode(secret, t.clock.now()), password },
      token: body.token,
    })
    expect(enable.status).toBe(200)
    expect((await t.mailbox('ada@example.com')).map((m) => m.kind)).toContain('two_factor_on')
    // A session opened before two-factor never gave a code: it ends.
    expect((await t.request('/me', { token: other.body.token })).status).toBe(401)
    expect((await t.request('/me', { token: body.token })).status).toBe(200)

    t.clock.advance(60_000)
    const next = await login()
    expect(next.body.twoFactorRequired).toBe(true)
    const blocked = await t.request('/me', { token: next.body.token })
    expect(blocked.status).toBe(401)
    const wrong = await t.request('/auth/login/two-factor', {
      json: { code: '000000' },
      token: next.body.token,
    })
    expect(wrong.status).toBe(400)
    const code = currentTotpCode(secret, t.clock.now())
    const ok = await t.request('/auth/login/two-factor', { json: { code }, token: next.body.token })
    expect(ok.status).toBe(200)
    expect((await t.request('/me', { token: next.body.token })).status).toBe(200)

    const third = await login()
    const replay = await t.request('/auth/login/two-factor', {
      json: { code },
      token: third.body.token,
    })
    expect(replay.status).toBe(400)
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
