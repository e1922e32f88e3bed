/**
 * Every API route, called by each kind of caller, must answer exactly the status in the
 * checked-in table `authorization-matrix.json`; a route missing from the table fails. Each route
 * runs against a fresh copy of the same fixture database, so one route's side effects (a logout,
 * a removed bank) cannot change another's answer. Regenerate the table after a deliberate change
 * with UPDATE_AUTHORIZATION_MATRIX=1 and review the diff.
 */
import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createApp } from '@tenor/api'
import { requestApproval } from '@tenor/api/admin/approvals'
import { createDeps } from '@tenor/api/deps'
import { openDatabase } from '@tenor/db'
import { createLogger } from '@tenor/db/logger'
import { outboxMessages, sessions, users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import { createPlaidTestApp, type PlaidTestApp } from '../support/plaid.ts'
import { addBuyer, addOffering, buy } from '../support/purchases.ts'
import { signUp, signUpAdmin } from '../support/users.ts'

const tablePath = join(import.meta.dir, 'authorization-matrix.json')
const callers = ['anonymous', 'investorB', 'disabledInvestor', 'admin', 'investorA'] as const
type Caller = (typeof callers)[number]
type Table = Record<string, Record<Caller, number>>

let t: PlaidTestApp
let template: string
const tokens: Partial<Record<Caller, string>> = {}
const params: Record<string, string> = {}

beforeAll(async () => {
  t = await createPlaidTestApp()
  const offering = await addOffering(t, { slug: 'matrix-note' })
  const a = await addBuyer(t, 'a@example.com')
  const b = await addBuyer(t, 'b@example.com')
  const disabled = await signUp(t, 'c@example.com', { kycApproved: true })
  const admin = await signUpAdmin(t, 'admin@example.com')
  const bought = await buy(t, a, { offeringId: offering.id, amountCents: 50_000 })
  const { purchase } = (await bought.json()) as { purchase: { id: string } }
  await t.db.database.db
    .update(users)
    .set({ status: 'disabled' })
    .where(eq(users.id, disabled.userId))
  const banks = (await (await t.request('/banks', { token: a.token })).json()) as {
    banks: { id: string }[]
  }
  const session = await t.db.database.db.query.sessions.findFirst({
    where: eq(sessions.userId, a.userId),
  })
  const approvalId = await requestApproval(t.deps, {
    action: 'offering.rate',
    targetType: 'offering',
    targetId: offering.id,
    payload: { rateBps: 900 },
    adminId: admin.userId,
  })

  Object.assign(tokens, {
    investorA: a.token,
    investorB: b.token,
    disabledInvestor: disabled.token,
    admin: admin.token,
  })
  // An email the worker gave up on, for the console's "send again".
  const [email] = await t.db.database.db
    .update(outboxMessages)
    .set({ status: 'failed', attempts: 8, lastError: 'Postmark did not answer' })
    .where(eq(outboxMessages.toAddress, 'b@example.com'))
    .returning({ id: outboxMessages.id })
  Object.assign(params, {
    emailId: email?.id ?? '',
    itemId: banks.banks[0]?.id ?? '',
    purchaseId: purchase.id,
    id: purchase.id,
    slug: offering.slug,
    offeringId: offering.id,
    userId: a.userId,
    sessionId: session?.id ?? '',
    approvalId,
  })
  template = join(t.db.dir, 'template.db')
  await t.db.database.client.execute(`vacuum into '${template}'`)
})
afterAll(() => t.close())

function routesOf(app: ReturnType<typeof createApp>): string[] {
  const routes = app.routes
    // Middleware is mounted for every method or on a wildcard path; routes name their path.
    .filter((route) => route.method !== 'ALL' && !route.path.endsWith('*'))
    .map((route) => `${route.method} ${route.path}`)
  // Removals run last: the Plaid stand-in is shared, and a bank removed there stays removed.
  const last = (route: string) => (route.startsWith('DELETE ') ? 1 : 0)
  return [...new Set(routes)].sort((x, y) => last(x) - last(y) || x.localeCompare(y))
}

function concretePath(path: string): string {
  return path.replace(/:(\w+)/g, (_, name: string) => {
    const value = params[name]
    if (!value) throw new Error(`no fixture for :${name} in ${path}`)
    return value
  })
}

/** Runs one route for every caller against its own fresh copy of the fixtures. */
async function statusesFor(route: string, index: number): Promise<Record<Caller, number>> {
  const file = join(t.db.dir, `route-${index}.db`)
  copyFileSync(template, file)
  const database = openDatabase({ url: `file:${file}` })
  try {
    const app = createApp(createDeps({ ...t.deps, database, log: createLogger('silent') }))
    const [method = 'GET', path = '/'] = route.split(' ')
    const out = {} as Record<Caller, number>
    for (const caller of callers) {
      const headers: Record<string, string> = { 'idempotency-key': `matrix-${index}-${caller}` }
      const token = tokens[caller]
      if (token) headers.authorization = `Bearer ${token}`
      const hasBody = method !== 'GET' && method !== 'HEAD'
      if (hasBody) headers['content-type'] = 'application/json'
      const res = await app.request(concretePath(path), {
        method,
        headers,
        body: hasBody ? '{}' : undefined,
      })
      out[caller] = res.status
    }
    return out
  } finally {
    database.close()
  }
}

describe('authorization matrix', () => {
  test('every route answers every caller exactly as the checked-in table says', async () => {
    const routes = routesOf(t.app)
    const actual: Table = {}
    for (const [index, route] of routes.entries()) actual[route] = await statusesFor(route, index)

    if (process.env.UPDATE_AUTHORIZATION_MATRIX === '1') {
      writeFileSync(tablePath, `${JSON.stringify(actual, null, 2)}\n`)
    }
    expect(existsSync(tablePath)).toBe(true)
    const expected = JSON.parse(readFileSync(tablePath, 'utf8')) as Table
    const missing = routes.filter((route) => !(route in expected))
    expect(missing).toEqual([])
    expect(actual).toEqual(expected)

    for (const [route, statuses] of Object.entries(actual)) {
      // Nobody but an administrator reaches an admin route.
      if (route.includes(' /admin')) {
        for (const caller of ['anonymous', 'investorA', 'investorB', 'disabledInvestor'] as const) {
          expect({ route, caller, ok: statuses[caller] < 300 }).toEqual({
            route,
            caller,
            ok: false,
          })
        }
      }
      // A disabled account is treated exactly like no account at all.
      expect({ route, disabled: statuses.disabledInvestor }).toEqual({
        route,
        disabled: statuses.anonymous,
      })
    }
  }, 240_000)
})
