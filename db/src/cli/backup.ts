import { backupDatabase } from '../backup.ts'
import { loadEnv } from '../env.ts'
import { createLogger } from '../logger.ts'

/** `bun run db:backup -- FILE`: a consistent snapshot of DATABASE_URL written to FILE. */
const [file] = Bun.argv.slice(2)
if (!file) {
  console.error('Usage: bun run db:backup -- FILE')
  process.exit(2)
}
const env = loadEnv()
const log = createLogger(env.logLevel, { component: 'backup' })
try {
  const counts = await backupDatabase(env.database, file)
  log.info('backup written', { file, tables: Object.keys(counts).length, rows: sum(counts) })
} catch (error) {
  log.error('backup failed', { error: error instanceof Error ? error.message : String(error) })
  process.exit(1)
}

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0)
}
