import { clockFor, countPendingMigrations, openDatabase, systemClock } from '@tenor/db'
import { loadEnv } from '@tenor/db/env'
import { createLogger } from '@tenor/db/logger'
import { createApp } from './app.ts'
import { createDeps } from './deps.ts'
import { requestMetrics } from './lib/metrics.ts'
import { closeSentry, initSentry } from './lib/sentry.ts'
import { createMetricsApp } from './routes/metrics/metrics.index.ts'

const env = loadEnv()
// Before Bun.serve: Sentry wraps servers created after it starts.
initSentry(env, 'api')
const log = createLogger(env.logLevel, { component: 'api', env: env.appEnv })
const database = openDatabase(env.database)

const pending = await countPendingMigrations(database)
if (pending > 0) {
  log.error('database schema is behind; run `bun run db:migrate` first', { pending })
  process.exit(1)
}

const deps = createDeps({
  env,
  database,
  log,
  clock: await clockFor(env.appEnv, database),
  wallClock: systemClock,
})
const app = createApp(deps)
const port = env.port ?? 3000
const server = Bun.serve({
  port,
  hostname: env.isProduction ? '::' : '127.0.0.1',
  // Idle connections are kept as long as Bun allows (the default is 10 s): Bun's fetch, as the
  // site uses it, keeps them for minutes, and a call sent just as the API closes one meets a
  // reset. Fewer closes, fewer such calls (the site sends those it safely can again).
  idleTimeout: 255,
  fetch: app.fetch,
})
log.info('api listening', { url: `http://${server.hostname}:${server.port}` })

// Metrics on their own port, which no Fly service exposes; Fly's scraper reads it privately.
const metricsServer = env.metricsPort
  ? Bun.serve({
      port: env.metricsPort,
      hostname: env.isProduction ? '::' : '127.0.0.1',
      fetch: createMetricsApp(deps, requestMetrics).fetch,
    })
  : undefined
if (metricsServer) log.info('metrics listening', { port: metricsServer.port })

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    log.info('api stopping', { signal })
    server.stop()
    metricsServer?.stop()
    database.close()
    void closeSentry().finally(() => process.exit(0))
  })
}
