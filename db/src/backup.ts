import { existsSync } from 'node:fs'
import { type Client, createClient, type InStatement } from '@libsql/client'

/**
 * Backup and restore that work the same for a local file and for Turso: everything is read in
 * one read transaction (a consistent snapshot while writes continue) and written into a fresh
 * SQLite file; a restore copies such a file into an empty database in one write transaction.
 */

interface SchemaObject {
  type: 'table' | 'index' | 'trigger' | 'view'
  name: string
  tbl_name: string
  sql: string
}

type Reader = Pick<Client, 'execute'>
const pageSize = 500

async function readSchema(reader: Reader): Promise<SchemaObject[]> {
  const result = await reader.execute(
    "select type, name, tbl_name, sql from sqlite_master where sql is not null and name not like 'sqlite_%' order by case type when 'table' then 0 when 'view' then 1 when 'index' then 2 else 3 end, name",
  )
  return result.rows.map((row) => ({
    type: String(row.type) as SchemaObject['type'],
    name: String(row.name),
    tbl_name: String(row.tbl_name),
    sql: String(row.sql),
  }))
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`

/** Every row of a table, page by page, as insert statements for a copy. */
async function* copyStatements(reader: Reader, table: string): AsyncGenerator<InStatement[]> {
  for (let offset = 0; ; offset += pageSize) {
    const page = await reader.execute({
      sql: `select * from ${quote(table)} order by rowid limit ? offset ?`,
      args: [pageSize, offset],
    })
    if (page.rows.length === 0) return
    const columns = page.columns.map(quote).join(', ')
    const marks = page.columns.map(() => '?').join(', ')
    yield page.rows.map((row) => ({
      sql: `insert into ${quote(table)} (${columns}) values (${marks})`,
      args: page.columns.map((_, index) => row[index] ?? null),
    }))
    if (page.rows.length < pageSize) return
  }
}

/** Copies schema and rows from `reader` into `writer`: tables first, then indexes and triggers. */
async function copyInto(reader: Reader, writer: Reader): Promise<Record<string, number>> {
  const schema = await readSchema(reader)
  const counts: Record<string, number> = {}
  const tables = schema.filter((o) => o.type === 'table')
  // Every table exists before any row arrives; foreign keys are checked once, at commit.
  await writer.execute('PRAGMA defer_foreign_keys = ON')
  for (const object of tables) await writer.execute(object.sql)
  for (const object of tables) {
    counts[object.name] = 0
    for await (const statements of copyStatements(reader, object.name)) {
      for (const statement of statements) await writer.execute(statement)
      counts[object.name] = (counts[object.name] ?? 0) + statements.length
    }
  }
  // Indexes and triggers come last: the append-only triggers would refuse nothing here, but
  // building indexes once over the copied rows is faster than maintaining them row by row.
  for (const object of schema.filter((o) => o.type !== 'table')) await writer.execute(object.sql)
  return counts
}

/** Writes a consistent snapshot of the database at `sourceUrl` to a new SQLite file. */
export async function backupDatabase(
  source: { url: string; authToken?: string },
  file: string,
): Promise<Record<string, number>> {
  if (existsSync(file)) throw new Error(`${file} already exists; choose a new file`)
  const from = createClient({ url: source.url, authToken: source.authToken })
  const to = createClient({ url: `file:${file}` })
  const snapshot = await from.transaction('read')
  try {
    const writer = await to.transaction('write')
    try {
      const counts = await copyInto(snapshot, writer)
      await writer.commit()
      return counts
    } finally {
      writer.close()
    }
  } finally {
    snapshot.close()
    from.close()
    to.close()
  }
}

/** Restores a backup file into the database at `targetUrl`, which must be empty. */
export async function restoreDatabase(
  file: string,
  target: { url: string; authToken?: string },
): Promise<Record<string, number>> {
  if (!existsSync(file)) throw new Error(`${file} does not exist`)
  const from = createClient({ url: `file:${file}` })
  const to = createClient({ url: target.url, authToken: target.authToken })
  try {
    const existing = await readSchema(to)
    if (existing.length > 0) {
      throw new Error('the target database is not empty; restore only into an empty database')
    }
    const writer = await to.transaction('write')
    try {
      const counts = await copyInto(from, writer)
      await writer.commit()
      return counts
    } finally {
      writer.close()
    }
  } finally {
    from.close()
    to.close()
  }
}

/** Row count and an order-independent checksum of every table, for comparing two copies. */
export async function fingerprintDatabase(
  reader: Reader,
): Promise<Record<string, { rows: number; checksum: string }>> {
  const out: Record<string, { rows: number; checksum: string }> = {}
  for (const object of (await readSchema(reader)).filter((o) => o.type === 'table')) {
    const rows = await reader.execute(`select * from ${quote(object.name)} order by rowid`)
    const hasher = new Bun.CryptoHasher('sha256')
    for (const row of rows.rows) hasher.update(JSON.stringify(Array.from(row, normalise)))
    out[object.name] = { rows: rows.rows.length, checksum: hasher.digest('hex') }
  }
  return out
}

function normalise(value: unknown): unknown {
  if (value instanceof ArrayBuffer) return Buffer.from(value).toString('base64')
  if (typeof value === 'bigint') return value.toString()
  return value
}
