/**
 * The whole of Tenor on loopback for the soak: a fresh, migrated and seeded libSQL file in a
 * temporary folder, the Plaid stand-in, the Postmark stand-in, the API, the worker looping and,
 * when it has been built, the site. Each long-running part is its own process, so its memory can
 * be read from /proc.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type PostmarkStandIn, startPostmarkStandIn } from '../standins/postmark/index.ts'

const root = join(import.meta.dir, '../..')

/** The second administrator the soak's publishing needs, made by `admin:create` at setup. */
export const soakChecker = {
  email: 'checker@soak.test',
  password: 'amber quarry whistles at noon',
}

/** The soak's own ports, apart from those of `bun run start`, the e2e suite and the benchmark. */
export const soakPorts = { api: 4780, site: 4781, plaid: 4782, postmark: 4783 }

export const soakUrls = {
  api: `http://127.0.0.1:${soakPorts.api}`,
  site: `http://127.0.0.1:${soakPorts.site}`,
  plaid: `http://127.0.0.1:${soakPorts.plaid}`,
}

export type PartName = 'api' | 'worker' | 'site' | 'plaid'

interface Part {
  name: PartName
  process: ReturnType<typeof Bun.spawn>
  log: string
}

export interface Stack {
  dir: string
  databaseUrl: string
  /** Process ids of the long-running parts, for memory samples. */
  pids: Partial<Record<PartName, number>>
  hasSite: boolean
  postmark: PostmarkStandIn
  /** A part that exited before `stop`, if any. */
  exited(): PartName | null
  /** Lines at error level (or uncaught errors) each part wrote, for the report. */
  errorLines(): { part: PartName; line: string }[]
  /** Stops the worker first, then the site, the API and the stand-ins. */
  stop(): Promise<void>
  remove(): void
}

export async function startStack(options: { site: boolean }): Promise<Stack> {
  assertPortsFree()
  const dir = mkdtempSync(join(tmpdir(), 'tenor-soak-'))
  const databaseUrl = `file:${join(dir, 'tenor.db')}`
  const postmark = await startPostmarkStandIn(soakPorts.postmark)
  const env: Record<string, string> = {
    ...process.env,
    APP_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    API_URL: soakUrls.api,
    PUBLIC_URL: soakUrls.site,
    PLAID_ENV: 'local',
    PLAID_LOCAL_URL: soakUrls.plaid,
    PLAID_WEBHOOK_URL: `${soakUrls.api}/webhooks/plaid`,
    POSTMARK_SERVER_TOKEN: 'soak-server-token',
    POSTMARK_API_URL: postmark.url,
    POSTMARK_FROM: 'Tenor <notes@tenor.local>',
    SUPPORT_EMAIL: 'support@example.com',
    // Investors are told apart by address, as Fly's proxy reports it, so that each one meets
    // the per-address limits alone, as real investors would.
    TRUST_PROXY: 'fly',
    SENTRY_DSN: '',
    METRICS_PORT: '',
  }
  // The seed makes the demo admin; publishing needs a second one to approve (`soakChecker`).
  const setup: { args: string[]; stdin?: string }[] = [
    { args: ['db/src/cli/migrate.ts'] },
    { args: ['api/src/cli/seed.ts'] },
    {
      args: ['api/src/cli/create-admin.ts', '--email', soakChecker.email, '--name', 'Soak Checker'],
      stdin: `${soakChecker.password}\n`,
    },
  ]
  for (const step of setup) {
    const run = Bun.spawnSync(['bun', ...step.args], {
      cwd: root,
      env,
      stdin: step.stdin === undefined ? 'ignore' : Buffer.from(step.stdin),
      stdout: 'ignore',
      stderr: 'pipe',
    })
    if (run.exitCode !== 0) throw new Error(`${step.args[0]} failed: ${run.stderr.toString()}`)
  }

  const parts: Part[] = []
  let stopping = false
  function start(name: PartName, cmd: string[], extra: Record<string, string> = {}): Part {
    const log = join(dir, `${name}.log`)
    const child = Bun.spawn(cmd, {
      cwd: root,
      env: { ...env, ...extra },
      stdin: 'ignore',
      stdout: Bun.file(log),
      stderr: Bun.file(`${log}.err`),
    })
    const part = { name, process: child, log }
    parts.push(part)
    return part
  }

  const stack: Stack = {
    dir,
    databaseUrl,
    pids: {},
    hasSite: false,
    postmark,
    exited: () => parts.find((part) => part.process.exitCode !== null)?.name ?? null,
    errorLines: () => parts.flatMap((part) => readErrorLines(part)),
    async stop() {
      if (stopping) return
      stopping = true
      const order: PartName[] = ['worker', 'site', 'api', 'plaid']
      for (const name of order) {
        const part = parts.find((p) => p.name === name)
        if (part) await stopProcess(part.process)
      }
      await postmark.stop()
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  }

  try {
    const plaid = start('plaid', [
      'bun',
      'tests/standins/plaid/main.ts',
      '--port',
      String(soakPorts.plaid),
      '--state',
      join(dir, 'plaid.json'),
      '--transfer-webhook',
      `${soakUrls.api}/webhooks/plaid`,
    ])
    await waitUntilUp(plaid, `${soakUrls.plaid}/__standin/health`)
    const api = start('api', ['bun', 'api/src/server.ts'], { PORT: String(soakPorts.api) })
    await waitUntilUp(api, `${soakUrls.api}/ready`)
    stack.pids.plaid = plaid.process.pid
    stack.pids.api = api.process.pid

    if (options.site) {
      const site = start('site', ['bun', 'web/build/index.js'], {
        PORT: String(soakPorts.site),
        HOST: '127.0.0.1',
        ORIGIN: soakUrls.site,
      })
      await waitUntilUp(site, `${soakUrls.site}/`)
      stack.pids.site = site.process.pid
      stack.hasSite = true
    }

    const worker = start('worker', ['bun', 'workers/src/main.ts', '--loop', '--interval', '2'])
    stack.pids.worker = worker.process.pid
  } catch (error) {
    await stack.stop()
    throw error
  }

  return stack
}

/** The site runs from its build; builds it when there is none, as the end-to-end step does. */
export function ensureSiteBuilt(): boolean {
  const built = () => existsSync(join(root, 'web/build/index.js'))
  if (built()) return true
  const run = Bun.spawnSync(['bun', 'run', '--filter', '@tenor/web', 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  return run.exitCode === 0 && built()
}

/** Another soak (or anything else) on these ports would answer in place of this one's parts. */
function assertPortsFree(): void {
  for (const port of Object.values(soakPorts)) {
    try {
      Bun.serve({ port, hostname: '127.0.0.1', fetch: () => new Response(null) }).stop(true)
    } catch {
      throw new Error(`port ${port} is taken: is another soak running?`)
    }
  }
}

async function waitUntilUp(part: Part, url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (part.process.exitCode !== null) break
    const up = await fetch(url).then(
      (response) => response.ok,
      () => false,
    )
    if (up) return
    await Bun.sleep(100)
  }
  const tail = readFileText(`${part.log}.err`).split('\n').slice(-10).join('\n')
  throw new Error(`${part.name} did not come up at ${url}\n${tail}`)
}

async function stopProcess(child: ReturnType<typeof Bun.spawn>): Promise<void> {
  if (child.exitCode !== null) return
  child.kill('SIGTERM')
  const stopped = await Promise.race([child.exited.then(() => true), Bun.sleep(10_000)])
  if (!stopped) {
    child.kill('SIGKILL')
    await child.exited
  }
}

function readErrorLines(part: Part): { part: PartName; line: string }[] {
  const lines = [
    ...readFileText(part.log).split('\n'),
    ...readFileText(`${part.log}.err`).split('\n'),
  ]
  return lines
    .filter((line) => line.trim() !== '' && isErrorLine(line))
    .map((line) => ({ part: part.name, line: line.slice(0, 400) }))
}

/**
 * Errors the workload sets out to cause, said for a person to act on: the $66.66 purchases come
 * back as unauthorized (R10), which puts the investor's other notes from that account in review,
 * and the maturity run that first withholds each such payout says so at error level.
 */
const expectedErrorEvents = new Set([
  'payout withheld: the money that paid for the note is in doubt; needs review',
])

function isErrorLine(line: string): boolean {
  if (!line.startsWith('{')) return /error/i.test(line)
  try {
    const entry = JSON.parse(line) as { level?: unknown; event?: unknown }
    if (typeof entry.event === 'string' && expectedErrorEvents.has(entry.event)) return false
    return entry.level === 'error' || entry.level === 'fatal'
  } catch {
    return true
  }
}

function readFileText(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : ''
}
