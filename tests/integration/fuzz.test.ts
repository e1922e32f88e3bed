import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fc from 'fast-check'
import { createTestApp, type TestApp } from '../support/app.ts'
import { signUpAdmin } from '../support/users.ts'

/**
 * Every JSON route in /openapi.json, sent hostile bodies: wrong types, huge and fractional
 * numbers, unknown fields, prototype keys, long and odd Unicode, broken JSON. Every body is
 * invalid by construction, so every answer must be a 4xx (never a 5xx) and no table may gain or
 * lose a row. Requests come from a signed-in administrator, so route guards do not hide the
 * validation behind them. A failure prints fast-check's seed to replay it.
 */

type JsonSchema = {
  $ref?: string
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  anyOf?: JsonSchema[]
}
interface Operation {
  method: string
  path: string
  properties: Record<string, JsonSchema>
}

let t: TestApp
let token: string
let operations: Operation[]

beforeAll(async () => {
  t = await createTestApp()
  ;({ token } = await signUpAdmin(t, 'fuzz-admin@example.com'))
  operations = await listOperations()
})
afterAll(() => t.close())

const oddStrings = [
  '',
  ' ',
  '\u0000',
  'a\u0007b',
  'a\u202eb',
  '\ud800',
  'ﬀ＠ｅｘａｍｐｌｅ．ｃｏｍ',
  'A\u030a',
  '💸'.repeat(2000),
  '<img src=x onerror=alert(1)>',
  "' or 1=1 --",
  '=cmd|" /C calc"!A0',
  '__proto__',
]
const oddNumbers = [1e308, -1e308, 2 ** 53 + 2, -0, 0.1, 1.5, -1, 0, 1e21, 4294967297]

const hostileString = fc.oneof(
  fc.constantFrom(...oddStrings),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', minLength: 300, maxLength: 3000 }),
)
const hostileNumber = fc.oneof(fc.constantFrom(...oddNumbers), fc.double({ noNaN: true }))
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('100', '1e3', '0x10', ' 100', '1.0', 'true', '[]'),
)

/** A value of some JSON type the property's schema does not allow. */
function wrongTypeFor(schema: JsonSchema): fc.Arbitrary<unknown> {
  const allowed = new Set(typesOf(schema))
  const options: fc.Arbitrary<unknown>[] = []
  if (!allowed.has('string')) options.push(hostileString, fc.constantFrom('1e3', '0x10', ''))
  if (!allowed.has('number') && !allowed.has('integer')) options.push(hostileNumber)
  if (allowed.has('integer') && !allowed.has('number')) options.push(fc.constantFrom(1.5, 1e-7))
  if (!allowed.has('boolean')) options.push(fc.boolean())
  if (!allowed.has('array')) options.push(fc.array(hostileValue, { maxLength: 3 }))
  if (!allowed.has('object')) options.push(fc.dictionary(fc.string(), hostileValue))
  return fc.oneof(...options)
}

function bodyFor(op: Operation): fc.Arbitrary<string> {
  const names = Object.keys(op.properties)
  const knownFields = fc.record(Object.fromEntries(names.map((name) => [name, hostileValue])), {
    requiredKeys: [],
  })
  const withUnknownField = fc
    .tuple(knownFields, fc.string({ minLength: 1, maxLength: 20 }), hostileValue)
    .filter(([, key]) => !names.includes(key))
    .map(([fields, key, value]) => JSON.stringify({ ...fields, [key]: value }))
  const withWrongType = names.length
    ? fc
        .constantFrom(...names)
        .chain((name) =>
          fc
            .tuple(knownFields, wrongTypeFor(op.properties[name] ?? {}))
            .map(([fields, value]) => JSON.stringify({ ...fields, [name]: value })),
        )
    : fc.constant('[]')
  const prototypeKeys = fc
    .constantFrom(
      '{"__proto__":{"role":"admin","isAdmin":true}}',
      '{"constructor":{"prototype":{"role":"admin"}}}',
      '{"prototype":{}}',
    )
    .map((text) => (names[0] ? `${text.slice(0, -1)},"${names[0]}":"x"}` : text))
  const notAnObject = fc
    .jsonValue({ maxDepth: 3 })
    .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
    .map((v) => JSON.stringify(v))
  const brokenJson = fc.constantFrom(
    '',
    '{',
    '{"a":',
    '{"a":1e999999}',
    `${'['.repeat(3000)}${']'.repeat(3000)}`,
    '{"a":"\\ud800"}',
    '\u0000',
    'null',
  )
  return fc.oneof(withUnknownField, withWrongType, prototypeKeys, notAnObject, brokenJson)
}

async function listOperations(): Promise<Operation[]> {
  const doc = (await (await t.request('/openapi.json')).json()) as {
    paths: Record<
      string,
      Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>
    >
    components?: { schemas?: Record<string, JsonSchema> }
  }
  const resolve = (s: JsonSchema | undefined): JsonSchema =>
    s?.$ref ? resolve(doc.components?.schemas?.[s.$ref.split('/').pop() ?? '']) : (s ?? {})
  const found: Operation[] = []
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const schema = op.requestBody?.content?.['application/json']?.schema
      if (!schema) continue
      const concrete = path.replace(/\{[^}]+\}/g, 'fuzz-id')
      found.push({
        method: method.toUpperCase(),
        path: concrete,
        properties: resolve(schema).properties ?? {},
      })
    }
  }
  return found
}

function typesOf(schema: JsonSchema): string[] {
  if (schema.anyOf) return schema.anyOf.flatMap(typesOf)
  if (Array.isArray(schema.type)) return schema.type
  return schema.type ? [schema.type] : []
}

async function countRows(): Promise<Record<string, number>> {
  const { rows } = await t.db.database.client.execute(
    "select name from sqlite_master where type = 'table' and name not like 'sqlite_%'",
  )
  const counts: Record<string, number> = {}
  for (const row of rows) {
    const name = String(row.name)
    // The limiters' own counters are the one thing a refused request may write.
    if (name === 'rate_limits') continue
    const result = await t.db.database.client.execute(`select count(*) as n from "${name}"`)
    counts[name] = Number(result.rows[0]?.n)
  }
  return counts
}

describe('hostile bodies on every JSON route', () => {
  test('answer only 4xx and write nothing', async () => {
    expect(operations.length).toBeGreaterThan(15)
    const before = await countRows()

    for (const op of operations) {
      await fc.assert(
        fc.asyncProperty(bodyFor(op), async (body) => {
          const res = await t.app.request(op.path, {
            method: op.method,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body,
          })
          if (res.status < 400 || res.status >= 500) {
            throw new Error(
              `${op.method} ${op.path} answered ${res.status} to ${body.slice(0, 200)}`,
            )
          }
        }),
        { numRuns: 50 },
      )
    }

    expect(await countRows()).toEqual(before)
  }, 120_000)
})
