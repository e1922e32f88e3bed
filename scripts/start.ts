/**
 * Starts every part of Tenor on the embedded defaults: a local libSQL file, the local Plaid
 * stand-in, the API, the site and the worker loop. Ctrl-C stops them all.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { demoAccounts } from '../api/src/cli/demo.ts'
import { addDemoHolding } from './demo-holding.ts'

const root = join(import.meta.dir, '..')

/** A port from the environment, when one is busy here; a bad value stops the start, named. */
function portFrom(name: string, fallback: number): number {
  const given = process.env[name]
  if (given === undefined || given === '') return fallback
  const port = Number(given)
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`Tenor could not start: ${name} must be a port number (1-65535), not "${given}".`)
    process.exit(1)
  }
  return port
}

const ports = {
  api: portFrom('TENOR_API_PORT', 3000),
  web: portFrom('TENOR_SITE_PORT', 5173),
  plaid: portFrom('TENOR_PLAID_PORT', 4010),
}
const urls = {
  api: `http://127.0.0.1:${ports.api}`,
  web: `http://127.0.0.1:${ports.web}`,
  plaid: `http://127.0.0.1:${ports.plaid}`,
}
// Every part gets the same picture of where the others are.
const shared = {
  API_URL: urls.api,
  PUBLIC_URL: urls.web,
  PLAID_LOCAL_URL: urls.plaid,
}
const children: ReturnType<typeof Bun.spawn>[] = []

async function step(label: string, cmd: string[], options: { quiet?: boolean } = {}) {
  console.log(`${label} …`)
  const child = Bun.spawn(cmd, {
    cwd: root,
    // A quiet step's progress (the build's, with its advice to run a preview) is not the
    // user's business; its errors still show.
    stdio: ['ignore', options.quiet ? 'ignore' : 'inherit', 'inherit'],
    env: { ...process.env, ...shared },
  })
  if ((await child.exited) !== 0) {
    console.error(`Tenor could not start: ${label} failed.`)
    process.exit(1)
  }
}

function serve(
  name: string,
  cmd: string[],
  env: Record<string, string>,
  options: { dropLine?: RegExp } = {},
) {
  const child = Bun.spawn(cmd, {
    cwd: root,
    stdio: ['ignore', options.dropLine ? 'pipe' : 'inherit', 'inherit'],
    env: { ...process.env, ...shared, ...env },
  })
  if (options.dropLine && child.stdout instanceof ReadableStream) {
    forwardLines(child.stdout, options.dropLine)
  }
  children.push(child)
  child.exited.then((code) => {
    if (!stopping) {
      console.error(`${name} stopped (exit ${code}); stopping everything.`)
      stop(1)
    }
  })
}

/** Copies a child's output to ours line by line, leaving out the lines `drop` matches. */
async function forwardLines(stream: ReadableStream<Uint8Array>, drop: RegExp) {
  const decoder = new TextDecoder()
  let rest = ''
  for await (const chunk of stream) {
    const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n')
    rest = lines.pop() ?? ''
    for (const line of lines) if (!drop.test(line)) process.stdout.write(`${line}\n`)
  }
  if (rest && !drop.test(rest)) process.stdout.write(rest)
}

let stopping = false
function stop(code = 0) {
  stopping = true
  for (const child of children) child.kill('SIGTERM')
  setTimeout(() => process.exit(code), 500)
}
process.on('SIGINT', () => stop(0))
process.on('SIGTERM', () => stop(0))

async function waitFor(url: string, name: string) {
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(url)
      if (res.ok) return
    } catch {
      // not up yet
    }
    await Bun.sleep(200)
  }
  console.error(`${name} did not come up at ${url}`)
  stop(1)
}

await step('database migration', ['bun', 'db/src/cli/migrate.ts'])
await step('demo data', ['bun', 'api/src/cli/seed.ts'])
await step('site build', ['bun', 'run', '--filter', '@tenor/web', 'build'], { quiet: true })

// A line per request and per worker run would bury the addresses below and anything that needs
// attention; here every part says only what does, unless LOG_LEVEL asks for more.
const logLevel = process.env.LOG_LEVEL ?? 'warn'

const plaidStandIn = join(root, 'tests/standins/plaid/main.ts')
if (existsSync(plaidStandIn)) {
  serve(
    'Plaid stand-in',
    [
      'bun',
      plaidStandIn,
      '--port',
      String(ports.plaid),
      '--state',
      'data/plaid-standin.json',
      '--transfer-webhook',
      `${urls.api}/webhooks/plaid`,
    ],
    { LOG_LEVEL: logLevel },
  )
  await waitFor(`${urls.plaid}/__standin/health`, 'Plaid stand-in')
}
serve('API', ['bun', 'api/src/server.ts'], { PORT: String(ports.api), LOG_LEVEL: logLevel })
await waitFor(`${urls.api}/health`, 'API')
serve(
  'site',
  ['bun', 'web/build/index.js'],
  {
    PORT: String(ports.web),
    HOST: '127.0.0.1',
    ORIGIN: urls.web,
    LOG_LEVEL: logLevel,
  }, // The server's own "Listening on" line: the addresses are printed below.
  { dropLine: /^Listening on / },
)
await waitFor(urls.web, 'site')
const worker = join(root, 'workers/src/main.ts')
if (existsSync(worker)) serve('worker', ['bun', worker, '--loop'], { LOG_LEVEL: logLevel })

// A first look at the portfolio shows a note; without one the product still runs.
const holding = await addDemoHolding(urls.api).catch(
  (error: unknown) => `the demo investor's first note could not be made (${String(error)})`,
)

console.log(`
Tenor is running.

  Site          ${urls.web}
  API           ${urls.api}   (reference: ${urls.api}/docs)
  Dev mailbox   ${urls.web}/dev/mailbox
  Plaid (local) ${urls.plaid}

  Investor  ${demoAccounts.investor.email}  /  ${demoAccounts.investor.password}
            (${holding})
  Admin     ${demoAccounts.admin.email}  /  ${demoAccounts.admin.password}
            two-factor secret ${demoAccounts.admin.totpSecret} (current code: bun run totp)

Every part logs warnings and errors only (LOG_LEVEL=info npm run start shows every request and run).
Press Ctrl-C to stop.
`)
