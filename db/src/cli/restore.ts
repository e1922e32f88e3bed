import { restoreDatabase } from '../backup.ts'
import { loadEnv } from '../env.ts'
import { createLogger } from '../logger.ts'

/** `bun run db:restore -- FILE`: restores FILE into the empty database named by DATABASE_URL. */
const [file] = Bun.argv.slice(2)
if (!file) {
  console.error('Usage: bun run db:restore -- FILE')
  process.exit(2)
}
const env = loadEnv()
const log = createLogger(env.logLevel, { component: 'restore' })
try {
  const counts = await restoreDatabase(file, env.database)
  const rows = Object.values(counts).reduce((a, b) => a + b, 0)
  log.info('backup restored', { file, tables: Object.keys(counts).length, rows })
} catch (error) {
  log.error('restore failed', { error: error instanceof Error ? error.message : String(error) })
  process.exit(1)
}
