import { Hono } from 'hono'
import type { AppDeps } from '../../context.ts'
import type { RequestMetrics } from '../../lib/metrics.ts'
import { renderDatabaseGauges } from './metrics.queries.ts'

/**
 * `GET /metrics` in the Prometheus text format, served by its own listener on METRICS_PORT
 * (9091 in staging and production) and never by the public API: Fly's scraper reaches that
 * port over the private network (fly.toml `[metrics]`), and no Fly service exposes it.
 */
export function createMetricsApp(deps: AppDeps, metrics: RequestMetrics) {
  return new Hono().get('/metrics', async (c) => {
    let gauges = ''
    try {
      gauges = await renderDatabaseGauges(deps.database, deps.clock)
    } catch (error) {
      // A database outage must not hide the request metrics that show it.
      deps.log.error('metrics: database gauges failed', { error })
    }
    c.header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
    c.header('Cache-Control', 'no-store')
    return c.body(metrics.render() + gauges)
  })
}
