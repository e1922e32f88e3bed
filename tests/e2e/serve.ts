/**
 * Starts a complete Tenor for the end-to-end stories on its own ports and its own fresh
 * database: migrate and seed, then the Plaid stand-in, the API and the built site. Stops
 * everything it started when Playwright stops it.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { e2ePorts, e2eUrls } from './ports.ts'

const root = join(import.meta.dir, '../..')
const dir = mkdtempSync(join(tmpdir(), 'tenor-e2e-'))
const env = {
  ...process.env,
  APP_ENV: 'development',
  LOG_LEVEL: 'warn',
  DATABASE_URL: `file:${join(dir, 'tenor.db')}`,
  API_URL: e2eUrls.api,
  PUBLIC_URL: e2eUrls.web,
  PLAID_LOCAL_URL: e2eUrls.plaid,
}
const children: ReturnType<typeof Bun.spawn>[] = []

function stop() {
  for (const child of children) child.kill('SIGTERM')
  rmSync(dir, { recursive: true, force: true })
  process.exit(0)
}
process.on('SIGTERM', stop)
process.on('SIGINT', stop)

for (const script of ['db/src/cli/migrate.ts', 'api/src/cli/seed.ts']) {
  const result = Bun.spawnSync(['bun', script], {
    cwd: root,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  if (result.exitCode !== 0) throw new Error(`${script} failed`)
}

function start(cmd: string[], extra: Record<string, string>) {
  children.push(
    Bun.spawn(cmd, {
      cwd: root,
      env: { ...env, ...extra },
      stdio: ['ignore', 'inherit', 'inherit'],
    }),
  )
}

const standIn = join(root, 'tests/standins/plaid/main.ts')
if (existsSync(standIn)) {
  start(
    [
      'bun',
      standIn,
      '--port',
      String(e2ePorts.plaid),
      '--state',
      join(dir, 'plaid.json'),
      '--transfer-webhook',
      `${e2eUrls.api}/webhooks/plaid`,
    ],
    {},
  )
}
start(['bun', 'api/src/server.ts'], { PORT: String(e2ePorts.api) })
start(['bun', 'web/build/index.js'], {
  PORT: String(e2ePorts.web),
  HOST: '127.0.0.1',
  ORIGIN: e2eUrls.web,
})
const worker = join(root, 'workers/src/main.ts')
if (existsSync(worker)) start(['bun', worker, '--loop'], {})
