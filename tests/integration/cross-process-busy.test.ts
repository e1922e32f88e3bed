import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { createClient } from '@libsql/client'
import { checkLedger } from '@tenor/db/domain'
import { payouts, purchaseEvents, rateLimits } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import { createTestDatabase, type TestDatabase } from '../support/database.ts'
import { addHoldingsDueByRealClock, creditsAtPlaid } from '../support/maturities.ts'
import { createPlaidTestApp } from '../support/plaid.ts'
import { spawnWorker } from '../support/worker-process.ts'

/**
 * Another process holding SQLite's write lock for longer than the busy timeout (five seconds on
 * a file): a slow writer, a restore, a migration. What this process does meanwhile and after
 * must not be half done: a write it reported done must be committed, and it must not keep the
 * lock from every other process.
 */

let t: TestDatabase
beforeEach(async () => {
  t = await createTestDatabase()
})
afterEach(() => t.remove())

/** Another process takes the write lock and keeps it for `ms`; resolves once it holds it. */
async function holdWriteLock(url: string, ms: number) {
  const script = `
    import { createClient } from '@libsql/client'
    const client = createClient({ url: ${JSON.stringify(url)} })
    const tx = await client.transaction('write')
    await tx.execute("insert into rate_limits (key, hits, reset_at) values ('holder', 1, 0)")
    console.log('holding')
    await Bun.sleep(${ms})
    await tx.commit()
    client.close()
  `
  const child = Bun.spawn(['bun', '-e', script], {
    cwd: import.meta.dir,
    stdout: 'pipe',
    stderr: 'inherit',
  })
  const reader = child.stdout.getReader()
  const { value } = await reader.read()
  expect(new TextDecoder().decode(value)).toContain('holding')
  reader.releaseLock()
  return child
}

const row = (key: string) => ({ key, hits: 1, resetAt: new Date(0) })

/** What another process sees committed: its own client on the same file. */
async function committedKeys(url: string): Promise<string[]> {
  const other = createClient({ url })
  try {
    const result = await other.execute('select key from rate_limits order by key')
    return result.rows.map((r) => String(r.key))
  } finally {
    other.close()
  }
}

describe('a write lock held by another process past the busy timeout', () => {
  test('a write transaction waits it out, and the writes after it commit', async () => {
    const holder = await holdWriteLock(t.url, 6500)

    const first = await t.database
      .write((tx) => tx.insert(rateLimits).values(row('first')))
      .then(
        () => 'done',
        (error: unknown) => String(error),
      )

    // A single statement, as the rate limiter and sessions write, while the other process
    // still holds the lock: answered as done, so it must be committed, not left in a
    // transaction this process never closes.
    await t.database.db.insert(rateLimits).values(row('second'))
    await holder.exited
    expect(await committedKeys(t.url)).toContain('second')

    // Another process can write: the lock is not held by a transaction left open here.
    const other = createClient({ url: t.url, timeout: 1000 })
    try {
      await other.execute("insert into rate_limits (key, hits, reset_at) values ('other', 1, 0)")
    } finally {
      other.close()
    }

    // And this process's next transaction commits.
    await t.database.write((tx) => tx.insert(rateLimits).values(row('third')))
    expect(await committedKeys(t.url)).toEqual(
      first === 'done'
        ? ['first', 'holder', 'other', 'second', 'third']
        : ['holder', 'other', 'second', 'third'],
    )
    // Waiting a moment longer than the timeout is not an error for the caller.
    expect(first).toBe('done')
  }, 30_000)
})

describe('a worker started while another process holds the write lock', () => {
  test('waits for it, then matures and pays each holding once', async () => {
    const app = await createPlaidTestApp()
    try {
      const holdings = await addHoldingsDueByRealClock(app, 4)
      const holder = await holdWriteLock(app.db.url, 6500)
      const worker = spawnWorker(app, 'maturities')
      const code = await worker.exited
      await holder.exited

      expect(await worker.stderr).not.toContain('SQLITE_BUSY')
      expect(code).toBe(0)
      const db = app.db.database.db
      const matured = await db
        .select()
        .from(purchaseEvents)
        .where(eq(purchaseEvents.toState, 'matured'))
      expect(matured.map((event) => event.purchaseId).toSorted()).toEqual(
        holdings.map((holding) => holding.id).toSorted(),
      )
      const sent = await db.select().from(payouts)
      expect((await creditsAtPlaid(app)).toSorted()).toEqual(
        sent.map((row) => row.transferId ?? '').toSorted(),
      )
      expect(await checkLedger(db)).toEqual([])
    } finally {
      app.close()
    }
  }, 60_000)
})
