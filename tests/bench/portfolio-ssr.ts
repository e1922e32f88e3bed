/**
 * Figure 4: the portfolio page rendered by the site for a signed-in investor with 50 holdings
 * (session check, bank banner, portfolio and purchases from the API, all on a libSQL file),
 * against a bare SvelteKit page rendering the same holdings table from memory. The site and
 * the API share the server core, as the whole cost of the page is what is compared.
 *
 * A second figure runs a second copy of the site whose API answers come from memory
 * (`replay-api.ts`, off the server core): the share of the page's cost that is the site's own.
 */
import { demoAccounts } from '@tenor/api/cli/demo'
import { type BenchFigure, figure } from './figures.ts'
import { interleave, median, runLoad, type Server, startServer } from './harness.ts'
import { buildBareApp, ensureSiteBuilt } from './portfolio-builds.ts'
import { addHoldings } from './portfolio-investor.ts'
import { type ReplayApi, startReplayApi } from './replay-api.ts'
import { prepareDatabase, productionLikeEnv } from './setup.ts'

const holdingCount = 50
const connections = 50
const apiPort = 4720
const metricsPort = 4721
const sitePort = 4722
const barePort = 4723
const siteAlonePort = 4725
const replayPort = 4726
// Nothing listens here: an error report, if one were sent, goes nowhere.
const sentryPort = 4724
const publicUrl = 'https://tenor.example'
// As behind Fly's proxy, where the site runs in production.
const proxyHeaders = { 'x-forwarded-proto': 'https', 'fly-client-ip': '203.0.113.11' }

interface Page {
  url: string
  headers: Record<string, string>
}

export async function benchPortfolioSsr(rounds: number, seconds: number): Promise<BenchFigure[]> {
  // A server left on one of these ports would answer the probes and be measured instead.
  expectFreePorts([apiPort, metricsPort, sitePort, barePort, siteAlonePort, replayPort])
  ensureSiteBuilt()
  const database = prepareDatabase()
  const servers: Server[] = []
  let removeBare = () => {}
  let replay: ReplayApi | undefined
  try {
    await addHoldings(database.url, holdingCount)
    const env = {
      ...productionLikeEnv(database.url, apiPort),
      METRICS_PORT: String(metricsPort),
      SENTRY_DSN: `http://bench@127.0.0.1:${sentryPort}/1`,
    }
    const api = await startServer(
      'Tenor API',
      ['bun', 'api/src/server.ts'],
      env,
      `http://127.0.0.1:${apiPort}`,
      '/health',
    )
    servers.push(api)
    const siteEnv = { ...env, HOST: '127.0.0.1', ORIGIN: publicUrl }
    const site = await startServer(
      'Tenor site',
      ['bun', 'web/build/index.js'],
      { ...siteEnv, PORT: String(sitePort), API_URL: api.url },
      `http://127.0.0.1:${sitePort}`,
    )
    servers.push(site)
    replay = startReplayApi(api.url, replayPort)
    const siteAlone = await startServer(
      'Tenor site, API from memory',
      ['bun', 'web/build/index.js'],
      { ...siteEnv, PORT: String(siteAlonePort), API_URL: replay.url },
      `http://127.0.0.1:${siteAlonePort}`,
    )
    servers.push(siteAlone)

    const cookie = await signIn(site.url)
    const holdings = await readHoldings(api.url, cookie)
    const bareApp = buildBareApp(holdings)
    removeBare = bareApp.remove
    const bare = await startServer(
      'bare SvelteKit',
      ['bun', bareApp.entry],
      { PORT: String(barePort), HOST: '127.0.0.1' },
      `http://127.0.0.1:${barePort}`,
    )
    servers.push(bare)

    const tenorPage: Page = { url: `${site.url}/portfolio`, headers: { ...proxyHeaders, cookie } }
    const siteAlonePage: Page = { ...tenorPage, url: `${siteAlone.url}/portfolio` }
    const barePage: Page = { url: `${bare.url}/`, headers: proxyHeaders }
    const tenorBytes = await expectTable(tenorPage, holdings)
    await expectTable(siteAlonePage, holdings)
    const bareBytes = await expectTable(barePage, holdings)

    const load = (page: Page, duration: number) => () => runLoad({ ...page, connections, duration })
    const pages = { tenor: tenorPage, siteAlone: siteAlonePage, bare: barePage }
    const loads = (duration: number) =>
      Object.fromEntries(Object.entries(pages).map(([name, page]) => [name, load(page, duration)]))
    // Every server compiles its hot paths before anything is counted.
    await interleave(1, loads(2))
    const results = await interleave(rounds, loads(seconds))
    const tenor = results.tenor ?? []
    const alone = results.siteAlone ?? []
    const ceiling = results.bare ?? []
    return [
      figure({
        name: `Portfolio page SSR (${holdingCount} holdings, signed in, ${connections} connections)`,
        value: median(tenor.map((r) => r.requestsPerSecond)),
        unit: 'req/s',
        ceiling: median(ceiling.map((r) => r.requestsPerSecond)),
        ceilingName: 'bare SvelteKit page, same table from memory',
        goal: 0.8,
        extra: {
          p99Ms: median(tenor.map((r) => r.p99)),
          bareP99Ms: median(ceiling.map((r) => r.p99)),
          errors: tenor.reduce((n, r) => n + r.errors + r.non2xx, 0),
          pageKiB: Math.round(tenorBytes / 1024),
          barePageKiB: Math.round(bareBytes / 1024),
        },
      }),
      figure({
        name: `Portfolio page SSR, the site alone (API answers replayed from memory)`,
        value: median(alone.map((r) => r.requestsPerSecond)),
        unit: 'req/s',
        ceiling: median(ceiling.map((r) => r.requestsPerSecond)),
        ceilingName: 'bare SvelteKit page, same table from memory',
        extra: {
          p99Ms: median(alone.map((r) => r.p99)),
          errors: alone.reduce((n, r) => n + r.errors + r.non2xx, 0),
        },
      }),
    ]
  } finally {
    await Promise.all(servers.map((server) => server.stop()))
    replay?.stop()
    removeBare()
    database.remove()
  }
}

function expectFreePorts(ports: number[]): void {
  for (const port of ports) {
    try {
      Bun.serve({ port, hostname: '127.0.0.1', fetch: () => new Response() }).stop(true)
    } catch {
      throw new Error(`port ${port} is in use; the portfolio figure needs it`)
    }
  }
}

/** Signs the demo investor in through the site's own form; answers the session cookie. */
async function signIn(siteUrl: string): Promise<string> {
  const response = await fetch(`${siteUrl}/login?/password`, {
    method: 'POST',
    redirect: 'manual',
    headers: { ...proxyHeaders, origin: publicUrl, accept: 'text/html' },
    body: new URLSearchParams({
      email: demoAccounts.investor.email,
      password: demoAccounts.investor.password,
    }),
  })
  const session = response.headers
    .getSetCookie()
    .map((line) => line.split(';')[0] ?? '')
    .find((pair) => pair.includes('tenor_session='))
  if (response.status !== 303 || !session) {
    throw new Error(`sign-in answered ${response.status} without a session cookie`)
  }

  return session
}

/** The holdings exactly as the API hands them to the site. */
async function readHoldings(apiUrl: string, cookie: string): Promise<{ purchaseId: string }[]> {
  const token = cookie.slice(cookie.indexOf('=') + 1)
  const response = await fetch(`${apiUrl}/portfolio`, {
    headers: { ...proxyHeaders, authorization: `Bearer ${token}` },
  })
  if (response.status !== 200) throw new Error(`GET /portfolio answered ${response.status}`)
  const { portfolio } = (await response.json()) as {
    portfolio: { holdings: { purchaseId: string }[] }
  }
  if (portfolio.holdings.length !== holdingCount) {
    throw new Error(`the investor holds ${portfolio.holdings.length} notes, not ${holdingCount}`)
  }

  return portfolio.holdings
}

/** Checks a page answers 200 with a row for every holding; answers its size in bytes. */
async function expectTable(page: Page, holdings: { purchaseId: string }[]): Promise<number> {
  const response = await fetch(page.url, { headers: page.headers, redirect: 'manual' })
  const html = await response.text()
  const missing = holdings.filter((h) => !html.includes(`href="/purchases/${h.purchaseId}"`))
  if (response.status !== 200 || missing.length > 0) {
    throw new Error(`${page.url} answered ${response.status} without ${missing.length} holdings`)
  }

  return new TextEncoder().encode(html).length
}
