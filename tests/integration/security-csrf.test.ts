import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { createTestApp, type TestApp, testPublicUrl } from '../support/app.ts'
import { signUpAdmin } from '../support/users.ts'

let t: TestApp
let cookie: string
beforeEach(async () => {
  t = await createTestApp()
  const { token } = await signUpAdmin(t, 'ada@example.com')
  cookie = `tenor_session=${token}`
})
afterEach(() => t.close())

const methods = ['POST', 'PUT', 'PATCH', 'DELETE'] as const
const boundary = 'tenorboundary'
/** What a cross-site page can send without a CORS preflight, plus no Content-Type at all. */
const variants: { type: string | null; body: string }[] = [
  { type: 'text/plain', body: '{"email":"ada@example.com","password":"x"}' },
  { type: 'TEXT/PLAIN; charset=UTF-8', body: '{"code":"123456"}' },
  {
    type: `multipart/form-data; boundary=${boundary}`,
    body: `--${boundary}\r\nContent-Disposition: form-data; name="email"\r\n\r\nada@example.com\r\n--${boundary}--\r\n`,
  },
  { type: 'application/x-www-form-urlencoded', body: 'email=ada%40example.com&amountCents=1' },
  { type: null, body: '{}' },
]

/** Row counts of every table: a refused request must leave them all unchanged. */
async function countRows(): Promise<Record<string, number>> {
  const { rows } = await t.db.database.client.execute(
    "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'",
  )
  const counts: Record<string, number> = {}
  for (const row of rows) {
    const name = String(row.name)
    const result = await t.db.database.client.execute(`select count(*) as n from "${name}"`)
    counts[name] = Number(result.rows[0]?.n)
  }
  return counts
}

/** Every state-changing path the API documents, with sample values for path parameters. */
async function stateChangingPaths(): Promise<string[]> {
  const doc = (await (await t.request('/openapi.json')).json()) as {
    paths: Record<string, Record<string, unknown>>
  }
  return Object.entries(doc.paths)
    .filter(([, item]) => methods.some((m) => m.toLowerCase() in item))
    .map(([path]) => path.replace(/\{[^}]+\}/g, 'sample-id'))
}

describe('a cross-origin state-changing request with the session cookie', () => {
  test('is refused in every content-type variant and method, and writes nothing', async () => {
    const paths = await stateChangingPaths()
    expect(paths.length).toBeGreaterThan(10)
    const before = await countRows()

    for (const path of paths) {
      for (const method of methods) {
        for (const { type, body } of variants) {
          const headers: Record<string, string> = { cookie, origin: 'https://evil.example' }
          if (type) headers['content-type'] = type
          const res = await t.app.request(path, { method, headers, body })
          if (res.status !== 403) throw new Error(`${method} ${path} (${type}): ${res.status}`)
          const answer = (await res.json()) as { error: { code: string } }
          expect(answer.error.code).toBe('cross_origin_refused')
        }
      }
    }

    expect(await countRows()).toEqual(before)
  })

  test('is refused without an Origin header, and with Origin: null', async () => {
    const before = await countRows()
    for (const origin of [undefined, 'null']) {
      const headers: Record<string, string> = { cookie, 'content-type': 'application/json' }
      if (origin) headers.origin = origin
      const res = await t.app.request('/auth/logout-all', { method: 'POST', headers, body: '{}' })
      expect(res.status).toBe(403)
    }
    expect(await countRows()).toEqual(before)
    expect((await t.request('/auth/session', { headers: { cookie } })).status).toBe(200)
  })

  test('is accepted from the site origin as JSON', async () => {
    const headers = { cookie, origin: testPublicUrl, 'content-type': 'application/json' }
    const res = await t.app.request('/auth/logout', { method: 'POST', headers, body: '{}' })
    expect(res.status).toBe(200)
  })
})

describe('a bearer-token request', () => {
  test('needs no Origin: browsers never attach Authorization on their own', async () => {
    const token = cookie.slice('tenor_session='.length)
    const res = await t.request('/auth/logout', { json: {}, token })
    expect(res.status).toBe(200)
  })

  test('from a foreign origin is refused all the same', async () => {
    const token = cookie.slice('tenor_session='.length)
    const res = await t.request('/auth/logout', {
      json: {},
      token,
      headers: { origin: 'https://evil.example' },
    })
    expect(res.status).toBe(403)
  })
})

describe('anonymous cross-origin requests', () => {
  test('cannot register or sign in from another site, in any encoding', async () => {
    const before = await countRows()
    for (const { type, body } of variants) {
      for (const path of ['/auth/register', '/auth/login', '/auth/forgot-password']) {
        const headers: Record<string, string> = { origin: 'https://evil.example' }
        if (type) headers['content-type'] = type
        const res = await t.app.request(path, { method: 'POST', headers, body })
        expect(res.status).toBe(403)
      }
    }
    expect(await countRows()).toEqual(before)
  })
})
