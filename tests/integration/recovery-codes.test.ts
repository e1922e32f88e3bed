import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { currentTotpCode } from '@tenor/api/lib/totp'
import { recoveryCodes, users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import { createTestApp, type TestApp } from '../support/app.ts'
import { codeStep, passwordStep, signUp, testPassword, turnOnTwoFactor } from '../support/users.ts'

let t: TestApp
let account: { token: string; userId: string; secret: string; recoveryCodes: string[] }
const email = 'ada@example.com'

beforeEach(async () => {
  t = await createTestApp()
  const { token, userId } = await signUp(t, email)
  account = { token, userId, ...(await turnOnTwoFactor(t, token)) }
})
afterEach(() => t.close())

const codesLeft = async (token: string) => {
  const res = await t.request('/me/two-factor/recovery-codes', { token })
  return ((await res.json()) as { left: number }).left
}

describe('two-factor recovery codes', () => {
  test('ten are shown once when two-factor goes on, and only keyed hashes are stored', async () => {
    expect(account.recoveryCodes).toHaveLength(10)
    expect(new Set(account.recoveryCodes).size).toBe(10)
    for (const code of account.recoveryCodes)
      expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/)
    const stored = await t.db.database.db
      .select()
      .from(recoveryCodes)
      .where(eq(recoveryCodes.userId, account.userId))
    expect(stored).toHaveLength(10)
    const hashes = stored.map((row) => row.codeHash).join(' ')
    for (const code of account.recoveryCodes) {
      expect(hashes).not.toContain(code)
      expect(hashes).not.toContain(code.replace('-', ''))
    }
    // Reading the count (every settings page does) is not a guess: no rate limit counts it.
    for (let i = 0; i < 12; i++) expect(await codesLeft(account.token)).toBe(10)
  })

  test('a recovery code signs in once, however it is typed, and the owner is told', async () => {
    const [code = ''] = account.recoveryCodes
    const first = await passwordStep(t, email)
    // Capitals and spaces for the dash, as someone copying from paper might type it.
    const typed = code.toUpperCase().replace('-', ' ')
    const ok = await codeStep(t, first, typed)
    expect(ok.status).toBe(200)
    expect((await t.request('/me', { token: first })).status).toBe(200)
    expect(await codesLeft(first)).toBe(9)
    const [mail] = (await t.mailbox(email)).filter((m) => m.kind === 'recovery_code_used')
    expect(mail?.text).toContain('You have 9 recovery codes left.')
    expect(mail?.text).not.toContain(code)

    const second = await passwordStep(t, email)
    const again = await codeStep(t, second, code)
    expect(again.status).toBe(400)
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('invalid_code')
    expect((await t.request('/me', { token: second })).status).toBe(401)
  })

  test('two sign-ins racing with one code: exactly one passes', async () => {
    const [code = ''] = account.recoveryCodes
    const tokens = await Promise.all([
      passwordStep(t, email),
      passwordStep(t, email),
      passwordStep(t, email),
    ])
    const answers = await Promise.all(tokens.map((token) => codeStep(t, token, code)))
    expect(answers.map((res) => res.status).sort()).toEqual([200, 400, 400])
  })

  test('wrong recovery codes count toward the sign-in pause', async () => {
    // Five at a time, within the code step's rate limit.
    for (let round = 0; round < 2; round++) {
      const token = await passwordStep(t, email)
      for (let i = 0; i < 5; i++) await codeStep(t, token, 'zzzzz-zzzzz')
      if (round === 0) t.clock.advance(16 * 60 * 1000)
    }
    const user = await t.db.database.db.query.users.findFirst({
      where: eq(users.id, account.userId),
    })
    expect(user?.lockedUntil?.getTime()).toBeGreaterThan(t.clock.now().getTime())
    // Paused: even a right code is not tried (the password step is refused first).
    const paused = await t.request('/auth/login', { json: { email, password: testPassword } })
    expect(paused.status).toBe(401)
    expect(await codesLeft(account.token)).toBe(10)
  })

  test('code guesses behind a known password meet the daily cap on sign-in attempts', async () => {
    let guesses = 0
    for (let round = 0; round < 10; round++) {
      const login = await t.request('/auth/login', { json: { email, password: testPassword } })
      if (login.status === 429) break
      const { token } = (await login.json()) as { token: string }
      for (let i = 0; i < 5; i++) {
        if ((await codeStep(t, token, '000000')).status === 400) guesses++
      }
      // Past the code step's own window and the ten-failure pause.
      t.clock.advance(16 * 60 * 1000)
    }
    // The password step passing does not wipe the count: 30 attempts a day, codes included.
    expect(guesses).toBeLessThanOrEqual(25)
    const stopped = await t.request('/auth/login', { json: { email, password: testPassword } })
    expect(stopped.status).toBe(429)
  })

  test('a new set needs the password and a code, and voids the old set', async () => {
    const refused = await t.request('/me/two-factor/recovery-codes', {
      json: { password: 'not the password at all', code: account.recoveryCodes[0] },
      token: account.token,
    })
    expect(refused.status).toBe(400)
    expect(await codesLeft(account.token)).toBe(10)

    t.clock.advance(60_000)
    const renewed = await t.request('/me/two-factor/recovery-codes', {
      json: { password: testPassword, code: currentTotpCode(account.secret, t.clock.now()) },
      token: account.token,
    })
    expect(renewed.status).toBe(200)
    const fresh = ((await renewed.json()) as { recoveryCodes: string[] }).recoveryCodes
    expect(fresh).toHaveLength(10)
    expect(fresh.some((code) => account.recoveryCodes.includes(code))).toBe(false)
    const kinds = (await t.mailbox(email)).map((m) => m.kind)
    expect(kinds).toContain('recovery_codes_renewed')
    expect(await codesLeft(account.token)).toBe(10)

    expect(
      (await codeStep(t, await passwordStep(t, email), account.recoveryCodes[1] ?? '')).status,
    ).toBe(400)
    expect((await codeStep(t, await passwordStep(t, email), fresh[0] ?? '')).status).toBe(200)
  })

  test('guessing through the settings forms is rate limited', async () => {
    const guess = () =>
      t.request('/me/two-factor/recovery-codes', {
        json: { password: testPassword, code: 'zzzzz-zzzzz' },
        token: account.token,
      })
    const statuses: number[] = []
    for (let i = 0; i < 12; i++) statuses.push((await guess()).status)
    // Ten wrong answers a quarter hour; turning two-factor on (setup, enable) spent nothing.
    expect(statuses).toEqual([...Array(10).fill(400), 429, 429])
  })

  test('a right password typed in settings does not wipe the codes guessed at sign-in', async () => {
    const half = await passwordStep(t, email)
    for (let i = 0; i < 9; i++) expect((await codeStep(t, half, '000000')).status).toBe(400)
    const renew = await t.request('/me/two-factor/recovery-codes', {
      json: { password: testPassword, code: 'zzzzz-zzzzz' },
      token: account.token,
    })
    expect(renew.status).toBe(400)

    // The tenth wrong code in a row pauses sign-in and every password check.
    const [row] = await t.db.database.db.select().from(users).where(eq(users.id, account.userId))
    expect(row?.lockedUntil).not.toBeNull()
    const paused = await t.request('/me/password', {
      json: { currentPassword: testPassword, newPassword: 'another long passphrase' },
      token: account.token,
    })
    expect(paused.status).toBe(429)
  })

  test('using two-factor rightly never meets the limit', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 12; i++) {
      const setup = await t.request('/me/two-factor/setup', { json: {}, token: account.token })
      statuses.push(setup.status)
    }
    expect(statuses).toEqual(Array(12).fill(200))
  })

  test('an investor who lost the authenticator turns two-factor off with a recovery code', async () => {
    const [signIn = '', off = ''] = account.recoveryCodes
    const token = await passwordStep(t, email)
    expect((await codeStep(t, token, signIn)).status).toBe(200)
    const disabled = await t.request('/me/two-factor/disable', {
      json: { password: testPassword, code: off },
      token,
    })
    expect(disabled.status).toBe(200)
    expect((await t.mailbox(email)).map((m) => m.kind)).toContain('two_factor_off')
    const left = await t.db.database.db
      .select()
      .from(recoveryCodes)
      .where(eq(recoveryCodes.userId, account.userId))
    expect(left.filter((row) => row.usedAt === null)).toHaveLength(0)
    const plain = await t.request('/auth/login', { json: { email, password: testPassword } })
    expect(((await plain.json()) as { twoFactorRequired: boolean }).twoFactorRequired).toBe(false)
  })

  test('malformed codes are refused with a clear message before anything is checked', async () => {
    const token = await passwordStep(t, email)
    for (const code of ['12345', 'abcdefghijklmnop', '<script>', 'uuuuu-uuuuu']) {
      const res = await codeStep(t, token, code)
      expect(res.status).toBe(422)
    }
    const user = await t.db.database.db.query.users.findFirst({
      where: eq(users.id, account.userId),
    })
    expect(user?.failedLoginCount).toBe(0)
  })
})

describe('setting up while two-factor is being turned on', () => {
  test('a setup racing the confirmation never replaces the secret that was confirmed', async () => {
    const { token } = await signUp(t, 'grace@example.com')
    const setup = await t.request('/me/two-factor/setup', { json: {}, token })
    const { secret: confirmed } = (await setup.json()) as { secret: string }
    const code = currentTotpCode(confirmed, t.clock.now())
    // The confirmation checks the password (tens of milliseconds) while a second setup lands.
    const [enable] = await Promise.all([
      t.request('/me/two-factor/enable', { json: { code, password: testPassword }, token }),
      Bun.sleep(5).then(() => t.request('/me/two-factor/setup', { json: {}, token })),
    ])
    t.clock.advance(60_000)
    const login = await t.request('/auth/login', {
      json: { email: 'grace@example.com', password: testPassword },
    })
    const { token: half, twoFactorRequired } = (await login.json()) as {
      token: string
      twoFactorRequired: boolean
    }
    // Either the confirmation won (the app set up works) or it lost (two-factor stayed off).
    if (enable.status === 200) {
      const step = await t.request('/auth/login/two-factor', {
        json: { code: currentTotpCode(confirmed, t.clock.now()) },
        token: half,
      })
      expect(step.status).toBe(200)
    } else {
      expect(enable.status).toBe(400)
      expect(twoFactorRequired).toBe(false)
    }
  })
})
