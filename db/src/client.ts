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
  const options = {
    url: config.url,
    authToken: config.authToken,
    syncUrl: config.syncUrl,
    syncInterval: config.syncInterval,
    readYourWrites: true,
    // Another process (the worker beside the API) may hold the write lock for a moment. Within
    // this process writes never overlap (below), so waiting can only be for another process.
    timeout: isFile ? 5000 : undefined,
  }
  const client = createClient(options)
  // On a plain file, writes have a connection of their own, used by nothing else: a write that
  // meets another process's lock past the timeout fails with SQLITE_BUSY, and @libsql/client
  // 0.18 leaves the failed statement unreset on its connection. That connection then keeps
  // every later statement in a transaction it never commits (answered as done, holding the
  // lock from every other process) until a commit fails and rolls them all back. Reopening the
  // writer's connection ends that, without touching the reads in flight on the other client.
  // An embedded replica has a single connection and writes to its primary; it shares one.
  const separateWriter = isFile && !isReplica
  const writer = separateWriter ? createClient({ ...options, concurrency: 1 }) : client

  // Every write of this process, a transaction or a single statement, runs one at a time. A
  // statement that met an open transaction on another pooled connection would fail at once
  // with SQLITE_BUSY, or, with a busy timeout, block the only thread the transaction needs.
  let queue: Promise<unknown> = Promise.resolve()
  function queued<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(work)
    queue = run.catch(() => undefined)
    return run
  }
  /**
   * Runs `attempt` on the writer; on SQLITE_BUSY reopens the writer's connection, and tries
   * again while `untouched()` says the failure came before any work (the transaction's BEGIN, or
   * a single statement, which did nothing). The pause lets the other process finish.
   */
  async function busyRetrying<T>(
    attempt: () => Promise<T>,
    untouched: () => boolean = () => true,
  ): Promise<T> {
    for (let tries = 1; ; tries++) {
      try {
        return await attempt()
      } catch (error) {
        if (!separateWriter || !isBusy(error)) throw error
        await writer.reconnect()
        if (!untouched() || tries >= busyAttempts) throw error
        await Bun.sleep(20 + Math.random() * 80 * tries)
      }
    }
  }
  const serialised = new Proxy(client, {
    get(target, property, receiver) {
      if (property === 'execute') {
        return (statement: InStatement) =>
          isWrite(statement)
            ? queued(() => busyRetrying(() => writer.execute(statement)))
            : target.execute(statement)
      }
      if (property === 'batch') {
        return (statements: InStatement[], mode?: TransactionMode) =>
          queued(() => busyRetrying(() => writer.batch(statements, mode)))
      }
      // drizzle opens its transactions here; only `write` opens one.
      if (property === 'transaction') return writer.transaction.bind(writer)
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
        let started = false
        const result = await busyRetrying(
          () =>
            db.transaction(
              (tx) => {
                started = true
                return work(tx)
              },
              { behavior: 'immediate' },
            ),
          () => !started,
        )
        if (isReplica) await client.sync()
        return result
      }),
    writeSql: (work) =>
      queued(async () => {
        const tx = await busyRetrying(() => writer.transaction('write'))
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
    close: () => {
      if (separateWriter) writer.close()
      client.close()
    },
  }
}

/** Tries of a write that meets another process's lock: each waits out the busy timeout. */
const busyAttempts = 3

/** Whether `error`, or any error that caused it, is SQLite's SQLITE_BUSY (another process's lock). */
export function isBusy(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    if ('code' in cause && cause.code === 'SQLITE_BUSY') return true
    if (cause.message.includes('SQLITE_BUSY')) return true
  }
  return false
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
