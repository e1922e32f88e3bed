import { afterAll, beforeAll, describe, expect, spyOn, test } from 'bun:test'
import { closeSentry, initSentry, scrubEvent } from '@tenor/api/lib/sentry'
import { type SentryStandIn, startSentryStandIn } from '../standins/sentry/index.ts'
import { createTestApp, type TestApp } from '../support/app.ts'

/** Makes the next user lookup fail the way a driver error would: quoting what it was given. */
function breakUserLookup(t: TestApp, leaked: string[]) {
  spyOn(t.db.database.db.query.users, 'findFirst').mockImplementation(() => {
    throw new Error(`lookup failed: ${leaked.join(' / ')}`)
  })
}

// Keep the secrets below well away from the throwing line above: Sentry sends the source lines
// around each stack frame, and the test file's own text is not what is being checked.
//
//
//
const secret = {
  email: 'ada.lovelace@example.com',
  password: 'correct horse battery staple 1843',
  token: 'sessiontokenAAAABBBBCCCCDDDDEEEEFFFF0123456789',
  cookie: 'cookievalueZZZZYYYYXXXXWWWWVVVV9876543210',
  plaid: 'access-sandbox-8ab976e6-64bc-4b38-98f7-731e7a349970',
}

let t: TestApp
let sentry: SentryStandIn
let server: ReturnType<typeof Bun.serve>

beforeAll(async () => {
  sentry = startSentryStandIn()
  t = await createTestApp({ SENTRY_DSN: sentry.dsn, SENTRY_RELEASE: 'tenor@test-release' })
  expect(initSentry(t.deps.env, 'api')).toBe(true)
  // Served over HTTP after Sentry starts, as server.ts does, so its request instrumentation runs.
  server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: t.app.fetch })
})

afterAll(async () => {
  await closeSentry()
  server.stop(true)
  await sentry.stop()
  t.close()
})

describe('an unhandled error in a route', () => {
  test('reaches Sentry with nothing secret in the envelope', async () => {
    breakUserLookup(t, [secret.email, secret.token, secret.plaid])
    const res = await fetch(`http://127.0.0.1:${server.port}/auth/login?token=${secret.token}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${secret.token}`,
        cookie: `tenor_session=${secret.cookie}`,
        'x-request-id': 'sentry-test-request-1',
      },
      body: JSON.stringify({ email: secret.email, password: secret.password }),
    })
    expect(res.status).toBe(500)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('internal_error')

    const envelope = await sentry.waitForItem('event')
    const event = envelope.items.find((item) => item.header.type === 'event')?.payload as {
      environment: string
      release: string
      tags: Record<string, string>
      exception: { values: { value: string }[] }
    }
    expect(event.environment).toBe('test')
    expect(event.release).toBe('tenor@test-release')
    expect(event.tags.request_id).toBe('sentry-test-request-1')
    expect(event.tags.component).toBe('api')
    expect(event.exception.values[0]?.value).toContain('lookup failed: [email]')

    for (const [name, value] of Object.entries(secret)) {
      if (envelope.raw.includes(value)) throw new Error(`the envelope leaks the ${name}`)
    }
    expect(envelope.raw.toLowerCase()).not.toContain('authorization')
    expect(envelope.raw.toLowerCase()).not.toContain('tenor_session')
  })
})

describe('scrubEvent', () => {
  test('drops request headers, cookies, bodies and query strings and masks text', () => {
    const event: Parameters<typeof scrubEvent>[0] = {
      type: undefined,
      message: `failed for ${secret.email} with Bearer ${secret.token}`,
      request: {
        method: 'POST',
        url: `https://api.tenor.example/auth/reset-password?token=${secret.token}`,
        headers: { authorization: `Bearer ${secret.token}`, cookie: secret.cookie },
        cookies: { tenor_session: secret.cookie },
        data: { password: secret.password },
        query_string: `token=${secret.token}`,
      },
      user: { id: 'u1', email: secret.email, ip_address: '203.0.113.9' },
      extra: { body: { email: secret.email, accountNumber: '000123456789' }, note: 'fine' },
      exception: {
        values: [
          {
            type: 'DrizzleQueryError',
            value:
              'Failed query: update bank_accounts set status = ? where id = ?\nparams: closed,acct-77',
          },
        ],
      },
      breadcrumbs: [
        { category: 'console', message: secret.password },
        { category: 'fetch', data: { url: `https://x.example/a?token=${secret.token}` } },
      ],
    }
    const scrubbed = scrubEvent(event)
    const text = JSON.stringify(scrubbed)
    for (const value of [...Object.values(secret), '000123456789', '203.0.113.9', 'acct-77']) {
      expect(text).not.toContain(value)
    }
    expect(scrubbed.request).toEqual({
      method: 'POST',
      url: 'https://api.tenor.example/auth/reset-password',
    })
    expect(scrubbed.user).toEqual({ id: 'u1' })
    expect(scrubbed.breadcrumbs).toHaveLength(1)
    expect(scrubbed.extra?.note).toBe('fine')
    expect(scrubbed.exception?.values?.[0]?.value).toBe(
      'Failed query: update bank_accounts set status = ? where id = ?\nparams: [withheld]',
    )
  })

  test('masks tax ids and account numbers in free text, keeping short numbers readable', () => {
    const scrubbed = scrubEvent({
      type: undefined,
      message: 'rejected 123-45-6789 (also 123456789) for account 000123456789, routing 021000021',
      extra: { note: 'paid $1,040.33 on 2026-09-02 after 3 tries' },
    })
    expect(scrubbed.message).toBe(
      'rejected [number] (also [number]) for account [number], routing [number]',
    )
    expect(scrubbed.extra?.note).toBe('paid $1,040.33 on 2026-09-02 after 3 tries')
  })
})
