/**
 * One load run, in its own process (pinned to its own core by the harness where taskset
 * exists): autocannon against a URL, answering one JSON line with throughput and latency.
 *   bun tests/bench/load.ts '{"url":"…","connections":50,"duration":5}'
 */
import autocannon from 'autocannon'

interface LoadOptions {
  url: string
  connections: number
  duration: number
  method?: string
  headers?: Record<string, string>
  body?: string
  /** Requests per second across all connections; absent means as fast as possible. */
  overallRate?: number
}

const options = JSON.parse(Bun.argv[2] ?? '{}') as LoadOptions
const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.duration,
  method: (options.method ?? 'GET') as 'GET',
  headers: options.headers,
  body: options.body,
  overallRate: options.overallRate,
})
process.stdout.write(
  `${JSON.stringify({
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: result.requests.total,
  })}\n`,
)
