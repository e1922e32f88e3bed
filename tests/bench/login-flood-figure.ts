/**
 * Figure 6: the public page's p99 while sign-ins arrive steadily, against its idle p99 in the
 * same run. Password hashing runs off the event loop, so reads should barely notice.
 */
import { type BenchFigure, figure } from './figures.ts'
import { interleave, median, pinned, root, runLoad, startServer } from './harness.ts'
import { prepareDatabase, productionLikeEnv } from './setup.ts'

const apiPort = 4730
export const loginsPerSecond = 5

export async function benchLoginFlood(rounds: number, seconds: number): Promise<BenchFigure[]> {
  const database = prepareDatabase()
  const api = await startServer(
    'Tenor API',
    ['bun', 'api/src/server.ts'],
    productionLikeEnv(database.url, apiPort),
    `http://127.0.0.1:${apiPort}`,
    '/health',
  )
  const headers = { 'x-forwarded-proto': 'https', 'fly-client-ip': '203.0.113.9' }
  // A steady, unsaturated read load: latency, not throughput, is the figure.
  const read = () =>
    runLoad({
      url: `${api.url}/offerings`,
      connections: 10,
      duration: seconds,
      headers,
      overallRate: 500,
    })

  try {
    const results = await interleave(rounds, {
      idle: read,
      flood: async () => {
        const flood = Bun.spawn(
          pinned(1, ['bun', 'tests/bench/login-flood.ts', api.url, String(loginsPerSecond)]),
          { cwd: root, stdout: 'ignore', stderr: 'inherit' },
        )
        try {
          await Bun.sleep(500)
          return await read()
        } finally {
          flood.kill('SIGTERM')
          await flood.exited
        }
      },
    })
    const idle = median((results.idle ?? []).map((r) => r.p99))
    const flooded = median((results.flood ?? []).map((r) => r.p99))
    return [
      figure({
        name: `Public read p99 under ${loginsPerSecond} sign-ins/s`,
        value: flooded,
        unit: 'ms',
        ceiling: Math.max(idle, 1),
        ceilingName: 'idle p99',
        goal: 2,
        lowerIsBetter: true,
        extra: { idleP99Ms: idle },
      }),
    ]
  } finally {
    await api.stop()
    database.remove()
  }
}
