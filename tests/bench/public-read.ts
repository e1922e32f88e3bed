/**
 * Figure 1: the open-offerings list through the full production middleware, against a bare
 * Bun.serve answering the same bytes.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type BenchFigure, figure } from './figures.ts'
import { interleave, median, runLoad, startServer } from './harness.ts'
import { prepareDatabase, productionLikeEnv } from './setup.ts'

const apiPort = 4710
const barePort = 4711

export async function benchPublicRead(rounds: number, seconds: number): Promise<BenchFigure[]> {
  const database = prepareDatabase()
  const api = await startServer(
    'Tenor API',
    ['bun', 'api/src/server.ts'],
    productionLikeEnv(database.url, apiPort),
    `http://127.0.0.1:${apiPort}`,
    '/health',
  )
  const headers = { 'x-forwarded-proto': 'https', 'fly-client-ip': '203.0.113.7' }
  const sample = await fetch(`${api.url}/offerings`, { headers })
  if (sample.status !== 200) throw new Error(`GET /offerings answered ${sample.status}`)
  const bytes = join(database.dir, 'offerings.json')
  writeFileSync(bytes, new Uint8Array(await sample.arrayBuffer()))
  const bare = await startServer(
    'bare Bun.serve',
    ['bun', 'tests/bench/bare-server.ts', String(barePort), bytes],
    {},
    `http://127.0.0.1:${barePort}`,
  )

  try {
    const load = (url: string) => () =>
      runLoad({ url: `${url}/offerings`, connections: 50, duration: seconds, headers })
    const results = await interleave(rounds, { tenor: load(api.url), bare: load(bare.url) })
    const tenor = results.tenor ?? []
    const ceiling = results.bare ?? []
    const tenorRps = median(tenor.map((r) => r.requestsPerSecond))
    const bareRps = median(ceiling.map((r) => r.requestsPerSecond))
    return [
      figure({
        name: 'Public API read (GET /offerings, 50 connections)',
        value: tenorRps,
        unit: 'req/s',
        ceiling: bareRps,
        ceilingName: 'bare Bun.serve, same bytes',
        goal: 0.5,
        extra: {
          p99Ms: median(tenor.map((r) => r.p99)),
          bareP99Ms: median(ceiling.map((r) => r.p99)),
          errors: tenor.reduce((n, r) => n + r.errors + r.non2xx, 0),
        },
      }),
    ]
  } finally {
    await Promise.all([api.stop(), bare.stop()])
    database.remove()
  }
}
