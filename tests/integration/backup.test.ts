import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { join } from 'node:path'
import { createClient } from '@libsql/client'
import { newId, openDatabase } from '@tenor/db'
import { backupDatabase, fingerprintDatabase, restoreDatabase } from '@tenor/db/backup'
import { accounts, checkLedger, postTransaction, toCalendarDate } from '@tenor/db/domain'
import { outboxMessages } from '@tenor/db/schema'
import { createTestDatabase, type TestDatabase } from '../support/database.ts'

let source: TestDatabase

beforeEach(async () => {
  source = await createTestDatabase()
})
afterEach(() => source.remove())

/** One purchase-shaped posting and one outbox row: the kind of writes production makes. */
async function writeOne(database: TestDatabase['database'], n: number) {
  const purchaseId = newId()
  await database.write(async (tx) => {
    await postTransaction(tx, {
      kind: 'purchase_reserved',
      idempotencyKey: `purchase:${purchaseId}:reserved`,
      effectiveDate: toCalendarDate('2026-03-02'),
      lines: [
        { account: accounts.achReceivable, debitCents: 10_000 + n },
        { account: accounts.notePrincipal(purchaseId), creditCents: 10_000 + n },
      ],
    })
    await tx.insert(outboxMessages).values({
      id: newId(),
      kind: 'test',
      dedupeKey: `test:${purchaseId}`,
      toAddress: `investor${n}@example.com`,
      subject: `Message ${n} — “quoted” ünïcödé`,
      textBody: 'text',
      htmlBody: '<p>html</p>',
      nextAttemptAt: new Date(),
    })
  })
}

describe('db:backup and db:restore', () => {
  test('a backup taken while writes continue restores to an identical, balanced copy', async () => {
    for (let n = 0; n < 300; n++) await writeOne(source.database, n)

    let writing = true
    let extra = 0
    // Writes arrive as requests do, between turns of the event loop.
    const writer = (async () => {
      while (writing) {
        await writeOne(source.database, 1000 + extra++)
        await Bun.sleep(1)
      }
    })()
    const file = join(source.dir, 'snapshot.db')
    const backedUp = await backupDatabase({ url: source.url }, file)
    writing = false
    await writer
    expect(extra).toBeGreaterThan(0)

    const restoredUrl = `file:${join(source.dir, 'restored.db')}`
    const restored = await restoreDatabase(file, { url: restoredUrl })
    expect(restored).toEqual(backedUp)

    const snapshotClient = createClient({ url: `file:${file}` })
    const restoredDb = openDatabase({ url: restoredUrl })
    try {
      expect(await fingerprintDatabase(restoredDb.client)).toEqual(
        await fingerprintDatabase(snapshotClient),
      )
      expect(await checkLedger(restoredDb.db)).toEqual([])
      // The snapshot is one consistent moment: every outbox row has its ledger posting.
      const counts = await fingerprintDatabase(restoredDb.client)
      expect(counts.outbox_messages?.rows).toBe(counts.ledger_transactions?.rows)
      expect(counts.outbox_messages?.rows).toBeGreaterThanOrEqual(300)
    } finally {
      snapshotClient.close()
      restoredDb.close()
    }
  })

  test('refuses to restore into a database that is not empty', async () => {
    const file = join(source.dir, 'snapshot.db')
    await backupDatabase({ url: source.url }, file)
    expect(restoreDatabase(file, { url: source.url })).rejects.toThrow('not empty')
  })

  test('refuses to overwrite an existing backup file', async () => {
    const file = join(source.dir, 'snapshot.db')
    await backupDatabase({ url: source.url }, file)
    expect(backupDatabase({ url: source.url }, file)).rejects.toThrow('already exists')
  })
})
