import { clockFor, countPendingMigrations, openDatabase } from '@tenor/db'
import { loadEnv } from '@tenor/db/env'
import { createLogger } from '@tenor/db/logger'
import { createApp } from './app.ts'
import { createDeps } from './deps.ts'

const env = loadEnv()
const log = createLogger(env.logLevel, { component: 'api', env: env.appEnv })
const database = openDatabase(env.database)

const pending = await countPendingMigrations(database)
if (pending > 0) {
  log.error('database schema is behind; run `bun run db:migrate` first', { pending })
  process.exit(1)
}

const app = createApp(createDeps({ env, database, log, clock: clockFor(env.appEnv, database) }))
const port = env.port ?? 3000
const server = Bun.serve({
  port,
  hostname: env.isProduction ? '::' : '127.0.0.1',
  fetch: app.fetch,
})
log.info('api listening', { url: `http://${server.hostname}:${server.port}` })

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    log.info('api stopping', { signal })
    server.stop()
    database.close()
    process.exit(0)
  })
}
