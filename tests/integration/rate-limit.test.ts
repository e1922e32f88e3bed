import { afterEach, describe, expect, test } from 'bun:test'
import { createApp } from '@tenor/api'
import { createDeps } from '@tenor/api/deps'
import { signForwardedAddress } from '@tenor/api/lib/rate-limit-address'
import { rateLimitRules } from '@tenor/api/lib/rate-limit-rules'
import { DatabaseRateLimitStore } from '@tenor/api/lib/rate-limit-store'
import { createLogger } from '@tenor/db/logger'
import { createTestApp, type TestApp } from '../support/app.ts'
import { createPlaidTestApp } from '../support/plaid.ts'
import { signUp, testPassword } from '../support/users.ts'

let t: TestApp
afterEach(() => t.close())

const wrong = 'not the passphrase at all, sorry'
// Refused by validation before any password is hashed, yet counted: limits run first.
const quick = ''
const loginLimit = rateLimitRules.loginByAddress.limit

function login(email: string, password: string, headers: Record<string, string> = {}) {
  return t.request('/auth/login', { json: { email, password }, headers })
}

interface Envelope {
  error: { code: string; retryAfter: number; requestId: string }
}

describe('rate limits by client address', () => {
  test('POST /auth/login answers 429 after the threshold whatever X-Forwarded-For says', async () => {
    t = await createTestApp()
    for (let i = 0; i < loginLimit; i++) {
      const res = await login(`nobody${i}@example.com`, wrong, {
        'x-forwarded-for': `203.0.113.${i}`,
        'x-real-ip': `198.51.100.${i}`,
        'fly-client-ip': `192.0.2.${i}`,
      })
      expect(res.status).toBe(401)
    }

    const res = await login('someone-else@example.com', wrong, {
      'x-forwarded-for': '198.51.100.250',
    })
    expect(res.status).toBe(429)
    const body = (await res.json()) as Envelope
    expect(body.error.code).toBe('rate_limited')
    expect(body.error.requestId).toBe(res.headers.get('x-request-id') ?? '')
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60)
    expect(res.headers.get('ratelimit')).toMatch(/^limit=30, remaining=0, reset=\d+$/)
    expect(res.headers.get('ratelimit-policy')).toBe('30;w=900')
  }, 30_000)

  test('trusts Fly-Client-IP only when configured to run behind Fly', async () => {
    t = await createTestApp({ TRUST_PROXY: 'fly' })
    for (let i = 0; i < loginLimit; i++) {
      await login(`nobody${i}@example.com`, quick, { 'fly-client-ip': '192.0.2.7' })
    }
    expect((await login('x@example.com', wrong, { 'fly-client-ip': '192.0.2.7' })).status).toBe(429)
    // Another address has its own counter.
    expect((await login('x@example.com', wrong, { 'fly-client-ip': '192.0.2.8' })).status).toBe(401)
  })

  test('counts a visitor the site vouches for, and ignores a forged vouching', async () => {
    t = await createTestApp()
    const keys = t.deps.env.sessionKeys
    for (let i = 0; i < loginLimit; i++) {
      await login(`v${i}@example.com`, quick, signForwardedAddress(keys, '2001:db8:1:2::5'))
    }
    // The same /64 is the same client.
    const sameNet = signForwardedAddress(keys, '2001:db8:1:2:ffff::9')
    expect((await login('v@example.com', wrong, sameNet)).status).toBe(429)
    const other = signForwardedAddress(keys, '198.51.100.9')
    expect((await login('v@example.com', wrong, other)).status).toBe(401)

    // Signed with a key the site does not hold: ignored, so the caller is the socket's address
    // (unknown in-process), which has its own fresh counter.
    const forged = signForwardedAddress(
      [{ id: 'dev1', key: Buffer.alloc(32, 1) }],
      '2001:db8:1:2::5',
    )
    expect((await login('v@example.com', wrong, forged)).status).toBe(401)
    // A stale signature is ignored too.
    const stale = signForwardedAddress(keys, '2001:db8:1:2::5', Date.now() - 5 * 60 * 1000)
    expect((await login('v@example.com', wrong, stale)).status).toBe(401)
  })

  test('holds across machines: two API instances share one counter', async () => {
    t = await createTestApp()
    const second = createApp(
      createDeps({
        env: t.deps.env,
        database: t.db.database,
        log: createLogger('silent'),
        clock: t.clock,
      }),
    )
    for (let i = 0; i < loginLimit; i++) {
      const app = i % 2 === 0 ? t.app : second
      await app.request('/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `m${i}@example.com`, password: quick }),
      })
    }
    expect((await login('m@example.com', wrong)).status).toBe(429)
  })

  test('opens again when the window ends', async () => {
    t = await createTestApp()
    for (let i = 0; i < loginLimit; i++) await login(`w${i}@example.com`, quick)
    expect((await login('w@example.com', wrong)).status).toBe(429)
    t.clock.advance(15 * 60 * 1000 + 1)
    expect((await login('w@example.com', wrong)).status).toBe(401)
  })
})

describe('sign-in attempts on one account from many addresses', () => {
  test('are stopped well before 100, and the right password is refused meanwhile', async () => {
    t = await createTestApp({ TRUST_PROXY: 'fly' })
    const { userId } = await signUp(t, 'ada@example.com')
    expect(userId).toBeTruthy()

    const statuses: number[] = []
    for (let i = 0; i < 101; i++) {
      const from = { 'fly-client-ip': `10.${i >> 8}.${i & 255}.1`, 'x-forwarded-for': '1.1.1.1' }
      statuses.push((await login('ada@example.com', wrong, from)).status)
      if (i === 12) {
        // Locked after ten failures: the owner's own password is refused as well.
        const right = await login('ada@example.com', testPassword, { 'fly-client-ip': '10.9.9.9' })
        expect(right.status).toBe(401)
      }
    }
    const accountLimit = rateLimitRules.loginByAccount.limit
    expect(statuses.slice(0, accountLimit - 1).every((s) => s === 401)).toBe(true)
    expect(statuses.slice(accountLimit).every((s) => s === 429)).toBe(true)
  }, 60_000)

  test('never allow more than 100 consecutive failures, even spread over days', async () => {
    t = await createTestApp({ TRUST_PROXY: 'fly' })
    await signUp(t, 'ada@example.com')
    let answered = 0
    for (let day = 0; day < 4; day++) {
      for (let i = 0; i < 30; i++) {
        const res = await login('ada@example.com', wrong, { 'fly-client-ip': `10.0.${day}.${i}` })
        if (res.status === 401) answered++
      }
      t.clock.advance(24 * 60 * 60 * 1000 + 60_000)
    }
    expect(answered).toBe(rateLimitRules.loginByAccountLong.limit)
  }, 120_000)

  test('a password reset lets the owner straight back in', async () => {
    t = await createTestApp({ TRUST_PROXY: 'fly' })
    await signUp(t, 'ada@example.com')
    for (let i = 0; i < 31; i++) {
      await login('ada@example.com', wrong, { 'fly-client-ip': `10.1.0.${i}` })
    }
    expect((await login('ada@example.com', testPassword)).status).toBe(429)

    await t.request('/auth/forgot-password', { json: { email: 'ada@example.com' } })
    const [mail] = await t.mailbox('ada@example.com')
    const token = mail?.text.match(/token=([A-Za-z0-9_-]+)/)?.[1] ?? ''
    const fresh = 'a completely new passphrase for ada'
    const reset = await t.request('/auth/reset-password', { json: { token, password: fresh } })
    expect(reset.status).toBe(200)
    expect((await login('ada@example.com', fresh)).status).toBe(200)
  }, 60_000)
})

describe('the database store', () => {
  test('counts concurrent hits exactly: one atomic upsert each', async () => {
    t = await createTestApp()
    const store = new DatabaseRateLimitStore(t.db.database, t.clock, 'test', 60_000)
    const results = await Promise.all(Array.from({ length: 40 }, () => store.increment('k')))
    const hits = results.map((r) => r.totalHits).sort((a, b) => a - b)
    expect(hits).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
    await store.decrement('k')
    expect((await store.get('k'))?.totalHits).toBe(39)
    t.clock.advance(60_001)
    expect(await store.get('k')).toBeUndefined()
    expect((await store.increment('k')).totalHits).toBe(1)
  })
})

describe('other limited routes', () => {
  test('POST /auth/forgot-password sends at most three emails an hour to one address', async () => {
    t = await createTestApp()
    await signUp(t, 'ada@example.com')
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) {
      const res = await t.request('/auth/forgot-password', { json: { email: ' ADA@example.com' } })
      statuses.push(res.status)
    }
    expect(statuses).toEqual([202, 202, 202, 429])
    const resets = (await t.mailbox('ada@example.com')).filter((m) => m.kind === 'password_reset')
    expect(resets).toHaveLength(3)
  })

  test('sign-ups from one address: refused forms do not use up its ten accounts an hour', async () => {
    t = await createTestApp({ TRUST_PROXY: 'fly' })
    const headers = { 'fly-client-ip': '192.0.2.40' }
    const register = (email: string, password: string) =>
      t.request('/auth/register', { json: { email, password, legalName: 'Ada Lovelace' }, headers })
    // Someone choosing a password the rules refuse, again and again…
    for (let i = 0; i < 15; i++) {
      expect((await register(`ada${i}@example.com`, 'password')).status).toBe(422)
    }
    // …still has the address's ten sign-ups; the eleventh waits.
    const accounts = rateLimitRules.registerByAddress.limit
    for (let i = 0; i < accounts; i++) {
      expect((await register(`ok${i}@example.com`, testPassword)).status).toBe(202)
    }
    expect((await register('one-more@example.com', testPassword)).status).toBe(429)

    // Every attempt counts towards the looser bound on floods.
    const other = { 'fly-client-ip': '192.0.2.41' }
    for (let i = 0; i < rateLimitRules.registerAttemptsByAddress.limit; i++) {
      const res = await t.request('/auth/register', { json: {}, headers: other })
      expect(res.status).toBe(422)
    }
    expect((await t.request('/auth/register', { json: {}, headers: other })).status).toBe(429)
  }, 30_000)

  test('POST /banks/link-token is limited per user', async () => {
    t = await createTestApp()
    const { token } = await signUp(t, 'ada@example.com')
    const limit = rateLimitRules.linkTokenByUser.limit
    for (let i = 0; i < limit; i++) {
      const res = await t.request('/banks/link-token', { json: { itemId: 'no-such' }, token })
      expect(res.status).toBe(404)
    }
    const res = await t.request('/banks/link-token', { json: { itemId: 'no-such' }, token })
    expect(res.status).toBe(429)
  })

  test('linking a bank and marking one reconnected share a limit per user; listing is not counted', async () => {
    const link = (publicToken: string) => ({ publicToken, institutionId: null, accounts: [] })
    t = await createPlaidTestApp()
    const { token } = await signUp(t, 'ada@example.com')
    const other = await signUp(t, 'grace@example.com')
    const limit = rateLimitRules.bankPlaidByUser.limit
    for (let i = 0; i < limit; i++) {
      const res =
        i % 2 === 0
          ? await t.request('/banks', { json: link(`public-sandbox-unknown-${i}`), token })
          : await t.request('/banks/no-such/reconnected', { json: {}, token })
      expect(res.status).not.toBe(429)
    }
    expect((await t.request('/banks', { token })).status).toBe(200)
    const linked = await t.request('/banks', { json: link('public-sandbox-unknown-x'), token })
    expect(linked.status).toBe(429)
    const reconnected = await t.request('/banks/no-such/reconnected', { json: {}, token })
    expect(reconnected.status).toBe(429)
    // Another investor is not held back.
    const theirs = await t.request('/banks/no-such/reconnected', { json: {}, token: other.token })
    expect(theirs.status).toBe(404)
  })

  test('requests without a session do not spend the address budget of signed-in routes', async () => {
    t = await createTestApp()
    const flood = [
      ...Array.from({ length: rateLimitRules.bankPlaidByAddress.limit + 1 }, () => '/banks'),
      ...Array.from(
        { length: rateLimitRules.twoFactorByAddress.limit + 1 },
        () => '/me/two-factor/setup',
      ),
      ...Array.from(
        { length: rateLimitRules.linkTokenByAddress.limit + 1 },
        () => '/banks/link-token',
      ),
    ]
    for (const path of flood) expect((await t.request(path, { json: {} })).status).toBe(401)

    // Someone signed in from the same address still links banks and sets up two-factor.
    const { token } = await signUp(t, 'ada@example.com')
    expect((await t.request('/banks', { json: {}, token })).status).toBe(422)
    expect((await t.request('/banks/link-token', { json: {}, token })).status).not.toBe(429)
    expect((await t.request('/me/two-factor/setup', { json: {}, token })).status).toBe(200)
  })

  test('right two-factor codes do not spend the address budget; wrong ones do', async () => {
    t = await createTestApp()
    const limit = rateLimitRules.twoFactorByAddress.limit
    const ada = await signUp(t, 'ada@example.com')
    // More set-ups from one address than the limit, each answered (each account keeps to its
    // own bound on set-ups).
    const setUps = await Promise.all(
      ['ada', 'ben', 'cy', 'di'].map((name) => signUp(t, `${name}-setup@example.com`)),
    )
    for (let i = 0; i <= limit; i++) {
      const token = setUps[i % setUps.length]?.token
      const res = await t.request('/me/two-factor/setup', { json: {}, token })
      expect(res.status).toBe(200)
    }
    // Wrong codes, spread over accounts so that no account's own limit is met first.
    const guessers = await Promise.all(
      Array.from({ length: 4 }, (_, i) => signUp(t, `guesser${i}@example.com`)),
    )
    for (const guesser of guessers) {
      await t.request('/me/two-factor/setup', { json: {}, token: guesser.token })
    }
    const statuses: number[] = []
    for (let i = 0; i <= limit; i++) {
      const res = await t.request('/me/two-factor/enable', {
        json: { code: '000000', password: testPassword },
        token: guessers[i % guessers.length]?.token,
      })
      statuses.push(res.status)
    }
    expect(statuses.filter((status) => status === 429)).toHaveLength(1)
    expect(statuses.at(-1)).toBe(429)
    expect((await t.request('/me/two-factor/setup', { json: {}, token: ada.token })).status).toBe(
      429,
    )
  }, 60_000)

  test('starting two-factor set-ups is bounded per account', async () => {
    t = await createTestApp()
    const { token } = await signUp(t, 'ada@example.com')
    for (let i = 0; i < rateLimitRules.twoFactorSetupByUser.limit; i++) {
      expect((await t.request('/me/two-factor/setup', { json: {}, token })).status).toBe(200)
    }
    expect((await t.request('/me/two-factor/setup', { json: {}, token })).status).toBe(429)
    const other = await signUp(t, 'ben@example.com')
    expect((await t.request('/me/two-factor/setup', { json: {}, token: other.token })).status).toBe(
      200,
    )
  }, 60_000)
})
