/**
 * Starts a complete Tenor for the end-to-end stories on its own ports and its own fresh
 * database: migrate and seed, then the Plaid stand-in, the API and the built site. Stops
 * everything it started when Playwright stops it.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { e2ePaths, e2ePorts, e2eStateDir, e2eUrls } from './ports.ts'

const root = join(import.meta.dir, '../..')
const dir = e2eStateDir
// A fresh database and stand-in state every run, even after a run that was killed.
rmSync(dir, { recursive: true, force: true })
mkdirSync(dir, { recursive: true })
const env = {
  ...process.env,
  APP_ENV: 'development',
  LOG_LEVEL: 'warn',
  DATABASE_URL: `file:${e2ePaths.database}`,
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
      e2ePaths.plaidState,
      '--transfer-webhook',
      `${e2eUrls.api}/webhooks/plaid`,
    ],
    {},
  )
}
start(['bun', 'api/src/server.ts'], { PORT: String(e2ePorts.api) })
// Playwright polls the site's home page, which asks the API for offerings: start the site once
// the API answers, so the first poll is not logged as a failure.
if (!(await waitForUrl(`${e2eUrls.api}/health`))) {
  console.error('the API did not start; stopping')
  for (const child of children) child.kill('SIGTERM')
  process.exit(1)
}
start(['bun', 'web/build/index.js'], {
  PORT: String(e2ePorts.web),
  HOST: '127.0.0.1',
  ORIGIN: e2eUrls.web,
})
const worker = join(root, 'workers/src/main.ts')
if (existsSync(worker)) start(['bun', worker, '--loop', '--interval', '2'], {})

async function waitForUrl(url: string, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const up = await fetch(url).then(
      (response) => response.ok,
      () => false,
    )
    if (up) return true
    await Bun.sleep(100)
  }
  return false
}
