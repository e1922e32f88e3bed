import { resolve } from 'node:path'
import { sql } from 'drizzle-orm'
import { migrate } from 'drizzle-orm/libsql/migrator'
import { readMigrationFiles } from 'drizzle-orm/migrator'
import { type Database, prepareDatabaseFile } from './client.ts'

export const migrationsFolder = resolve(import.meta.dir, '../drizzle')

/** Applies every migration not yet applied. */
export async function migrateDatabase(database: Database): Promise<void> {
  await prepareDatabaseFile(database.client)
  await migrate(database.db, { migrationsFolder })
  await database.syncReplica()
}

/** How many checked-in migrations the database has not applied; the API refuses to serve if > 0. */
export async function countPendingMigrations(database: Database): Promise<number> {
  const files = readMigrationFiles({ migrationsFolder })
  const exists = await database.db.get<{ n: number }>(
    sql`select count(*) as n from sqlite_master where type = 'table' and name = '__drizzle_migrations'`,
  )
  if (!exists || exists.n === 0) return files.length
  const last = await database.db.get<{ createdAt: number | null }>(
    sql`select max(created_at) as createdAt from __drizzle_migrations`,
  )
  const applied = Number(last?.createdAt ?? 0)
  return files.filter((file) => file.folderMillis > applied).length
}
