/**
 * A small Prometheus registry for what the API measures in-process: request counts and
 * latencies by route pattern (never the raw path, whose ids would explode the series) and
 * status. One per process; Prometheus sums across machines. Written by hand because it is
 * fifty lines, and a client library would bring a global registry and default collectors.
 */

/** Latency buckets in seconds, from a cache-speed read to a slow Plaid call. */
const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

interface Series {
  labels: Record<string, string>
  count: number
  sum: number
  buckets: number[]
}

export class RequestMetrics {
  private readonly series = new Map<string, Series>()

  observe(method: string, route: string, status: number, seconds: number): void {
    // Methods and route patterns hold no spaces, so this key cannot join two series.
    const id = `${method} ${route} ${status}`
    let found = this.series.get(id)
    if (!found) {
      const labels = { method, route, status: String(status) }
      found = { labels, count: 0, sum: 0, buckets: buckets.map(() => 0) }
      this.series.set(id, found)
    }

    found.count += 1
    found.sum += seconds
    for (let index = 0; index < buckets.length; index++) {
      if (seconds <= (buckets[index] as number))
        found.buckets[index] = (found.buckets[index] ?? 0) + 1
    }
  }

  /** The Prometheus text exposition format, version 0.0.4. */
  render(): string {
    const lines = [
      '# HELP tenor_http_requests_total HTTP requests answered, by method, route pattern and status.',
      '# TYPE tenor_http_requests_total counter',
    ]
    for (const s of this.series.values()) {
      lines.push(`tenor_http_requests_total${formatLabels(s.labels)} ${s.count}`)
    }

    lines.push(
      '# HELP tenor_http_request_duration_seconds Time to answer, by method, route pattern and status.',
      '# TYPE tenor_http_request_duration_seconds histogram',
    )
    for (const s of this.series.values()) {
      buckets.forEach((bound, index) => {
        const le = formatLabels({ ...s.labels, le: String(bound) })
        lines.push(`tenor_http_request_duration_seconds_bucket${le} ${s.buckets[index] ?? 0}`)
      })
      const inf = formatLabels({ ...s.labels, le: '+Inf' })
      lines.push(`tenor_http_request_duration_seconds_bucket${inf} ${s.count}`)
      lines.push(`tenor_http_request_duration_seconds_sum${formatLabels(s.labels)} ${s.sum}`)
      lines.push(`tenor_http_request_duration_seconds_count${formatLabels(s.labels)} ${s.count}`)
    }
    return `${lines.join('\n')}\n`
  }
}

/** The process's registry: the API records into it and the metrics listener reads it. */
export const requestMetrics = new RequestMetrics()

/** `{a="1",b="2"}` with the format's escapes for backslash, quote and newline. */
export function formatLabels(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(
    ([name, value]) =>
      `${name}="${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`,
  )
  return parts.length > 0 ? `{${parts.join(',')}}` : ''
}
