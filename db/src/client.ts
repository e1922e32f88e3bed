import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import {
  type Client,
  createClient,
  type InStatement,
  type Transaction,
  type TransactionMode,
} from '@libsql/client'
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
  /**
   * `write` on the libSQL client itself, for the hot paths written as plain SQL (the purchase
   * reservation): the same queue, the same immediate transaction, no query builder. A thrown
   * error rolls back, and so may `work` itself; otherwise the transaction commits.
   */
  writeSql<T>(work: (tx: Transaction) => Promise<T>): Promise<T>
  /** After a write, bring an embedded replica up to date so the caller reads its own write. */
  syncReplica(): Promise<void>
  close(): void
}

export function openDatabase(config: Env['database']): Database {
  const isReplica = config.syncUrl !== undefined
  const isFile = config.url.startsWith('file:')
  if (isFile) mkdirSync(dirname(config.url.slice('file:'.length)), { recursive: true })
  const client = createClient({
    url: config.url,
    authToken: config.authToken,
    syncUrl: config.syncUrl,
    syncInterval: config.syncInterval,
    readYourWrites: true,
    // Another process (the worker beside the API) may hold the write lock for a moment. Within
    // this process writes never overlap (below), so waiting can only be for another process.
    timeout: isFile ? 5000 : undefined,
  })

  // Every write of this process, a transaction or a single statement, runs one at a time. A
  // statement that met an open transaction on another pooled connection would fail at once
  // with SQLITE_BUSY, or, with a busy timeout, block the only thread the transaction needs.
  let queue: Promise<unknown> = Promise.resolve()
  function queued<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(work)
    queue = run.catch(() => undefined)
    return run
  }
  const serialised = new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'execute') {
        return (statement: InStatement) =>
          isWrite(statement) ? queued(() => target.execute(statement)) : target.execute(statement)
      }
      if (property === 'batch') {
        return (statements: InStatement[], mode?: TransactionMode) =>
          queued(() => target.batch(statements, mode))
      }
      const value = Reflect.get(target, property, receiver)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
  const db = drizzle(serialised, { schema, casing: 'snake_case' })

  return {
    db,
    client,
    // On an embedded replica the write went to the primary; syncing before answering means the
    // caller's next read (a purchase page after buying) sees it.
    write: (work) =>
      queued(async () => {
        const result = await db.transaction(work, { behavior: 'immediate' })
        if (isReplica) await client.sync()
        return result
      }),
    writeSql: (work) =>
      queued(async () => {
        const tx = await client.transaction('write')
        try {
          const result = await work(tx)
          // Work that found nothing to do may have rolled back already.
          if (!tx.closed) await tx.commit()
          if (isReplica) await client.sync()
          return result
        } finally {
          // Closing a transaction that did not commit rolls it back.
          tx.close()
        }
      }),
    async syncReplica() {
      if (isReplica) await client.sync()
    },
    close: () => client.close(),
  }
}

const readOnly = /^\s*(select|with\s[\s\S]*?\)\s*select|explain|pragma\s+\w+\s*$)/i

function isWrite(statement: InStatement): boolean {
  const text = typeof statement === 'string' ? statement : statement.sql
  return !readOnly.test(text)
}

/** File-level settings: WAL persists in the file itself, so setting it once is enough. */
export async function prepareDatabaseFile(client: Client): Promise<void> {
  if (client.protocol !== 'file') return
  await client.execute('PRAGMA journal_mode = WAL')
}
