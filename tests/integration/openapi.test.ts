import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createTestApp, type TestApp } from '../support/app.ts'

let t: TestApp
beforeAll(async () => {
  t = await createTestApp()
})
afterAll(() => t.close())

// Routes that are not part of the described API: the description and its reference page.
const undocumented = new Set(['GET /openapi.json', 'GET /docs'])

describe('GET /openapi.json', () => {
  test('describes every route the app serves', async () => {
    const res = await t.request('/openapi.json')
    expect(res.status).toBe(200)
    const doc = (await res.json()) as { openapi: string; paths: Record<string, object> }
    expect(doc.openapi).toBe('3.1.0')
    const described = new Set(
      Object.entries(doc.paths).flatMap(([path, item]) =>
        Object.keys(item).map(
          (method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
        ),
      ),
    )
    const served = t.app.routes
      // Middleware is mounted for every method or on a wildcard path; routes name their path.
      .filter((r) => r.method !== 'ALL' && !r.path.endsWith('*'))
      .map((r) => `${r.method} ${r.path}`)
      .filter((route) => !undocumented.has(route))
    const missing = [...new Set(served)].filter((route) => !described.has(route))
    expect(missing).toEqual([])
    expect(served.length).toBeGreaterThan(10)
  })

  test('serves a readable reference page', async () => {
    const res = await t.request('/docs')
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('<code>/auth/login</code>')
  })
})

describe('GET /health and /ready', () => {
  test('health answers while the process lives', async () => {
    expect(await (await t.request('/health')).json()).toEqual({ status: 'ok' })
  })

  test('ready answers 200 on a migrated database', async () => {
    const res = await t.request('/ready')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ready', database: 'ok', pendingMigrations: 0 })
  })

  test('ready answers 503 when a migration is missing', async () => {
    await t.db.database.client.execute('delete from __drizzle_migrations')
    const res = await t.request('/ready')
    expect(res.status).toBe(503)
  })
})
