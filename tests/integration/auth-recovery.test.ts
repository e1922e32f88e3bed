import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { resolve } from 'node:path'
import { currentTotpCode } from '@tenor/api/lib/totp'
import { forgotPasswordFloorMs } from '@tenor/api/routes/auth/auth.reset'
import { users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import { createTestApp, type TestApp, tokenFromEmail } from '../support/app.ts'
import { login, register, registerAndVerify } from '../support/auth.ts'
import { testPassword, turnOnTwoFactor } from '../support/users.ts'

const password = testPassword
let t: TestApp

beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

describe('forgot and reset password', () => {
  test('resets once with the emailed token and ends every session', async () => {
    await registerAndVerify(t)
    const before = await login(t)
    const forgot = await t.request('/auth/forgot-password', { json: { email: 'ada@example.com' } })
    expect(forgot.status).toBe(202)
    const [mail] = await t.mailbox('ada@example.com')
    expect(mail?.kind).toBe('password_reset')
    const token = tokenFromEmail(mail?.text ?? '')
    // The page asks first whether the link can be used; asking changes nothing.
    const check = (value: string) =>
      t.request('/auth/reset-password/check', { json: { token: value } })
    expect(await (await check(token)).json()).toEqual({ usable: true })
    expect((await check('A'.repeat(43))).status).toBe(400)
    expect((await check('not a token')).status).toBe(422)
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
    expect((await login(t)).res.status).toBe(401)
    expect((await login(t, 'ada@example.com', newPassword)).res.status).toBe(200)
    const reused = await t.request('/auth/reset-password', {
      json: { token, password: 'yet another passphrase entirely' },
    })
    expect(reused.status).toBe(400)
    const usedCheck = await check(token)
    expect(usedCheck.status).toBe(400)
    expect(await usedCheck.json()).toMatchObject({ error: { code: 'invalid_token' } })
    const [changed] = await t.mailbox('ada@example.com')
    expect(changed?.kind).toBe('password_changed')
    // This browser's session ended too; someone else's change is undone from the link given.
    expect(changed?.text).toContain('every session was signed out')
    expect(changed?.text).toMatch(/reset your password at once at https?:\/\/\S+\/forgot-password /)
  })

  test('a new password voids every link mailed before it, an email change included', async () => {
    await registerAndVerify(t)
    const { body } = await login(t)
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
    expect(
      (await login(t, 'ada@example.com', 'an entirely different passphrase 7')).res.status,
    ).toBe(200)
  })

  test('refuses a reset token mailed to an address the account no longer has', async () => {
    await registerAndVerify(t)
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
    expect((await login(t, 'ada@new.example')).res.status).toBe(200)
  })

  test('refuses a reset token older than an hour', async () => {
    await registerAndVerify(t)
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
    await registerAndVerify(t)
    const timed = async (email: string) => {
      const started = performance.now()
      const res = await t.request('/auth/forgot-password', { json: { email } })
      return { res, took: performance.now() - started }
    }
    const { res: known, took: knownTook } = await timed('ada@example.com')
    const { res: unknown, took: unknownTook } = await timed('x@example.com')
    // Only the known address writes; both wait out the same floor, so timing tells neither.
    expect(knownTook).toBeGreaterThanOrEqual(forgotPasswordFloorMs)
    expect(unknownTook).toBeGreaterThanOrEqual(forgotPasswordFloorMs)
    expect(unknown.status).toBe(known.status)
    expect(await unknown.json()).toEqual(await known.json())
    expect(await t.mailbox('x@example.com')).toEqual([])
  })

  test('a disabled account gets no link, only word that it is disabled, and the same answer', async () => {
    await registerAndVerify(t)
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
  test("an address registered by someone else first: no authenticator of theirs, and the owner's reset confirms it", async () => {
    // The squatter registers the owner's address and, unconfirmed, may not add two-factor.
    await register(t)
    const squatter = await login(t)
    const setup = await t.request('/me/two-factor/setup', { json: {}, token: squatter.body.token })
    expect(setup.status).toBe(403)
    expect(((await setup.json()) as { error: { code: string } }).error.code).toBe(
      'email_not_verified',
    )
    const enable = await t.request('/me/two-factor/enable', {
      json: { code: '123456', password },
      token: squatter.body.token,
    })
    expect(enable.status).toBe(403)
    // What else the squatter can make Tenor send that address greets nobody by name either.
    const squatterPassword = 'the squatter picked this passphrase 3'
    const changed = await t.request('/me/password', {
      json: { currentPassword: password, newPassword: squatterPassword },
      token: squatter.body.token,
    })
    expect(changed.status).toBe(200)
    const squatterAgain = await login(t, 'ada@example.com', squatterPassword)
    const moving = await t.request('/me/email', {
      json: { newEmail: 'elsewhere@example.com', password: squatterPassword },
      token: squatterAgain.body.token,
    })
    expect(moving.status).toBe(202)

    // An account that took an authenticator before this rule: the reset still clears it.
    await registerAndVerify(t, 'grace@example.com')
    await turnOnTwoFactor(t, (await login(t, 'grace@example.com')).body.token)
    await t.db.database.db
      .update(users)
      .set({ emailVerifiedAt: null })
      .where(eq(users.email, 'grace@example.com'))

    for (const email of ['ada@example.com', 'grace@example.com']) {
      await t.request('/auth/forgot-password', { json: { email } })
      const reset = (await t.mailbox(email)).find((m) => m.kind === 'password_reset')
      const newPassword = 'the owner chose this passphrase 9'
      const res = await t.request('/auth/reset-password', {
        json: { token: tokenFromEmail(reset?.text ?? ''), password: newPassword },
      })
      expect(res.status).toBe(200)
      // The squatter's session ended; the owner signs in with no code and a confirmed address.
      const owner = await login(t, email, newPassword)
      expect(owner.body.twoFactorRequired).toBe(false)
      const me = (await (await t.request('/me', { token: owner.body.token })).json()) as {
        user: { emailVerified: boolean; twoFactorEnabled: boolean }
      }
      expect(me.user).toMatchObject({ emailVerified: true, twoFactorEnabled: false })
    }
    expect((await t.request('/me', { token: squatterAgain.body.token })).status).toBe(401)
    // Nor did the name the squatter typed reach the address before it was confirmed.
    const unconfirmed = await t.mailbox('ada@example.com')
    expect(unconfirmed.map((m) => m.kind).sort()).toEqual([
      'email_change_requested',
      'password_changed',
      'password_changed',
      'password_reset',
      'verify_email',
    ])
    for (const mail of unconfirmed) expect(mail.text).not.toContain('Lovelace')
    // Its recovery codes went with it.
    const grace = await login(t, 'grace@example.com', 'the owner chose this passphrase 9')
    const codes = await t.request('/me/two-factor/recovery-codes', { token: grace.body.token })
    expect(((await codes.json()) as { left: number }).left).toBe(0)
  })
})

describe('two-factor', () => {
  test("bun run totp -- --email prints the code of that account's authenticator, in development only", async () => {
    await registerAndVerify(t)
    const { secret } = await turnOnTwoFactor(t, (await login(t)).body.token)
    const run = async (appEnv: string, email: string) => {
      const child = Bun.spawn([process.execPath, 'api/src/cli/totp.ts', '--email', email], {
        cwd: resolve(import.meta.dir, '../..'),
        env: { ...process.env, APP_ENV: appEnv, DATABASE_URL: t.db.url },
        stdout: 'pipe',
        stderr: 'pipe',
      })
      const [exitCode, stdout, stderr] = await Promise.all([
        child.exited,
        new Response(child.stdout).text(),
        new Response(child.stderr).text(),
      ])
      return { exitCode, stdout: stdout.trim(), stderr }
    }
    const printed = await run('test', 'ADA@example.com')
    expect(printed.exitCode).toBe(0)
    // The code of this 30-second step, or of the one before if a step ended meanwhile.
    const now = Date.now()
    const codes = [now, now - 30_000].map((at) => currentTotpCode(secret, new Date(at)))
    expect(codes).toContain(printed.stdout)

    const none = await run('test', 'nobody@example.com')
    expect(none.exitCode).toBe(1)
    expect(none.stderr).toContain('has no authenticator set up')
    // Outside development it prints no code.
    const production = await run('production', 'ada@example.com')
    expect(production.exitCode).not.toBe(0)
    expect(production.stdout).toBe('')
  }, 20_000)

  test('wrong codes pause sign-in like wrong passwords, and the right password does not clear them', async () => {
    await registerAndVerify(t)
    const { body } = await login(t)
    await turnOnTwoFactor(t, body.token)
    const stored = async () =>
      t.db.database.db.query.users.findFirst({ where: eq(users.email, 'ada@example.com') })
    const guessFive = async () => {
      const pending = await login(t)
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
    await login(t)
    expect((await stored())?.failedLoginCount).toBe(5)
    // …so the tenth pauses sign-in, codes included.
    await guessFive()
    expect((await stored())?.lockedUntil?.getTime()).toBeGreaterThan(t.clock.now().getTime())
  })

  test('once on, a new session must pass the code step before anything else', async () => {
    await registerAndVerify(t)
    const { body } = await login(t)
    const setup = await t.request('/me/two-factor/setup', { json: {}, token: body.token })
    const { secret } = (await setup.json()) as { secret: string }
    const other = await login(t)
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
    const next = await login(t)
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

    const third = await login(t)
    const replay = await t.request('/auth/login/two-factor', {
      json: { code },
      token: third.body.token,
    })
    expect(replay.status).toBe(400)
  })
})
