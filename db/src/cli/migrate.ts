import { openDatabase } from '../client.ts'
import { loadEnv } from '../env.ts'
import { createLogger } from '../logger.ts'
import { countPendingMigrations, migrateDatabase } from '../migrations.ts'

const env = loadEnv()
const log = createLogger(env.logLevel, { component: 'migrate' })
const database = openDatabase(env.database)
const pending = await countPendingMigrations(database)
await migrateDatabase(database)
log.info('migrations applied', { applied: pending })
database.close()
