import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { type Client, createClient } from '@libsql/client'
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql'
import type { Env } from './env.ts'
import * as schema from './schema/index.ts'

export type Schema = typeof schema
export type Db = LibSQLDatabase<Schema>
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0]

export interface Database {
  /** Reads, and single-statement writes that need no transaction. */
  db: Db
  client: Client
  /**
   * Runs `work` in one write transaction. Transactions are queued in-process: libSQL fails
   * concurrent interactive transactions on one client with SQLITE_BUSY instead of waiting, and
   * a busy timeout would block the event loop. Work must not call the network.
   */
  write<T>(work: (tx: Tx) => Promise<T>): Promise<T>
  /** After a write, bring an embedded replica up to date so the caller reads its own write. */
  syncReplica(): Promise<void>
  close(): void
}

export function openDatabase(config: Env['database']): Database {
  const isReplica = config.syncUrl !== undefined
  if (config.url.startsWith('file:')) {
    mkdirSync(dirname(config.url.slice('file:'.length)), { recursive: true })
  }
  const client = createClient({
    url: config.url,
    authToken: config.authToken,
    syncUrl: config.syncUrl,
    syncInterval: config.syncInterval,
    readYourWrites: true,
  })
  const db = drizzle(client, { schema, casing: 'snake_case' })
  let queue: Promise<unknown> = Promise.resolve()

  function write<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    const run = queue.then(() => db.transaction(work, { behavior: 'immediate' }))
    queue = run.catch(() => undefined)
    return run
  }

  return {
    db,
    client,
    write,
    async syncReplica() {
      if (isReplica) await client.sync()
    },
    close: () => client.close(),
  }
}

/** File-level settings: WAL persists in the file itself, so setting it once is enough. */
export async function prepareDatabaseFile(client: Client): Promise<void> {
  if (client.protocol !== 'file') return
  await client.execute('PRAGMA journal_mode = WAL')
}
