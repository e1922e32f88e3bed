import { afterEach, expect, test } from 'bun:test'
import { currentTotpCode } from '@tenor/api/lib/totp'
import { createTestApp, type TestApp } from '../support/app.ts'
import { signUp, testPassword, turnOnTwoFactor } from '../support/users.ts'

let t: TestApp
afterEach(() => t.close())

function wrongCode(secret: string, now: Date): string {
  const near = [-30_000, 0, 30_000].map((d) => currentTotpCode(secret, new Date(now.getTime() + d)))
  for (let n = 0; ; n++) {
    const guess = String(n).padStart(6, '0')
    if (!near.includes(guess)) return guess
  }
}

test('a session waiting for its code cannot guess past the daily and 100-in-a-row caps', async () => {
  t = await createTestApp({ TRUST_PROXY: 'fly' })
  const { token: owner } = await signUp(t, 'ada@example.com')
  const { secret } = await turnOnTwoFactor(t, owner)

  // The attacker knows the password: one sign-in gives a session waiting for its code.
  const login = await t.request('/auth/login', {
    json: { email: 'ada@example.com', password: testPassword },
    headers: { 'fly-client-ip': '10.0.0.1' },
  })
  expect(login.status).toBe(200)
  const { token } = (await login.json()) as { token: string }

  let tried = 0
  for (let round = 0; round < 13; round++) {
    for (let i = 0; i < 10; i++) {
      const res = await t.request('/auth/login/two-factor', {
        json: { code: wrongCode(secret, t.clock.now()) },
        token,
        headers: { 'fly-client-ip': `10.1.${round}.${i}` },
      })
      if (res.status === 400) tried++
    }
    // The lockout and the per-user code limit last 15 minutes.
    t.clock.advance(15 * 60 * 1000 + 1000)
  }
  expect(tried).toBeGreaterThan(100)

  // 130 wrong codes later, the same pending session still takes the right one.
  const right = await t.request('/auth/login/two-factor', {
    json: { code: currentTotpCode(secret, t.clock.now()) },
    token,
    headers: { 'fly-client-ip': '10.2.0.1' },
  })
  // The caps (30 a day, 100 in a row) hold at the code step too: the right code is refused
  // until the owner resets the password.
  expect(right.status).toBe(400)
}, 120_000)

test('a few wrong codes still leave the right one working', async () => {
  t = await createTestApp({ TRUST_PROXY: 'fly' })
  const { token: owner } = await signUp(t, 'ada@example.com')
  const { secret } = await turnOnTwoFactor(t, owner)
  const login = await t.request('/auth/login', {
    json: { email: 'ada@example.com', password: testPassword },
  })
  const { token } = (await login.json()) as { token: string }
  for (let i = 0; i < 5; i++) {
    const res = await t.request('/auth/login/two-factor', {
      json: { code: wrongCode(secret, t.clock.now()) },
      token,
    })
    expect(res.status).toBe(400)
  }
  // The code that turned two-factor on was this step's: the next one is new.
  t.clock.advance(30_000)
  const right = await t.request('/auth/login/two-factor', {
    json: { code: currentTotpCode(secret, t.clock.now()) },
    token,
  })
  expect(right.status).toBe(200)
})
