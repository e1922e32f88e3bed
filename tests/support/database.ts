import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Database, migrateDatabase, openDatabase } from '@tenor/db'

export interface TestDatabase {
  database: Database
  url: string
  dir: string
  /** Closes the client and deletes the files. */
  remove(): void
}

/** A fresh, migrated libSQL file database in its own temporary folder. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'tenor-test-'))
  const url = `file:${join(dir, 'tenor.db')}`
  const database = openDatabase({ url })
  await migrateDatabase(database)
  return {
    database,
    url,
    dir,
    remove() {
      database.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
