import { afterEach, describe, expect, test } from 'bun:test'
import { requestMetrics } from '@tenor/api/lib/metrics'
import { createMetricsApp } from '@tenor/api/routes/metrics/metrics.index'
import { newId } from '@tenor/db'
import { jobRuns, transferEvents } from '@tenor/db/schema'
import { createPlaidTestApp, type PlaidTestApp } from '../support/plaid.ts'
import { addBuyer, addOffering, buy } from '../support/purchases.ts'

let t: PlaidTestApp
afterEach(() => t.close())

async function scrape(): Promise<{ status: number; type: string | null; text: string }> {
  const res = await createMetricsApp(t.deps, requestMetrics).request('/metrics')
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() }
}

/** The value of one sample line, by its exact name and labels. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('GET /metrics', () => {
  test('is not served by the public API', async () => {
    t = await createPlaidTestApp()
    expect((await t.request('/metrics')).status).toBe(404)
  })

  test('counts and times requests by route pattern and status, never by raw path', async () => {
    t = await createPlaidTestApp()
    const route = 'tenor_http_requests_total{method="GET",route="/offerings/:slug",status="404"}'
    const before = sample((await scrape()).text, route) ?? 0
    await t.request('/offerings/no-such-offering')
    await t.request('/offerings/another-missing-one')

    const { status, type, text } = await scrape()
    expect(status).toBe(200)
    expect(type).toBe('text/plain; version=0.0.4; charset=utf-8')
    expect(sample(text, route)).toBe(before + 2)
    expect(text).not.toContain('no-such-offering')
    expect(text).toContain('# TYPE tenor_http_request_duration_seconds histogram')
    const inf =
      'tenor_http_request_duration_seconds_bucket{method="GET",route="/offerings/:slug",status="404",le="+Inf"}'
    expect(sample(text, inf)).toBe(before + 2)
  })

  test('reports purchases by state, outbox backlog, worker successes and transfer-event lag', async () => {
    t = await createPlaidTestApp()
    const offering = await addOffering(t)
    const buyer = await addBuyer(t, 'ada@example.com')
    expect(
      (await buy(t, buyer, { offeringId: offering.id, amountCents: offering.minPurchaseCents }))
        .status,
    ).toBe(201)

    const now = t.clock.now()
    const db = t.db.database.db
    await db.insert(jobRuns).values({
      id: newId(),
      job: 'webhooks',
      startedAt: new Date(now.getTime() - 2000),
      finishedAt: new Date(now.getTime() - 1000),
      outcome: 'succeeded',
    })
    await db.insert(transferEvents).values({
      eventId: 1,
      transferId: 'transfer-1',
      eventType: 'pending',
      payload: '{}',
      receivedAt: new Date(now.getTime() - 90_000),
    })

    const { text } = await scrape()
    const states = text.split('\n').filter((l) => l.startsWith('tenor_purchases{'))
    expect(states.reduce((sum, l) => sum + Number(l.split(' ')[1]), 0)).toBe(1)
    expect(sample(text, 'tenor_outbox_pending')).toBeGreaterThanOrEqual(1)
    expect(sample(text, 'tenor_job_last_success_timestamp_seconds{job="webhooks"}')).toBe(
      (now.getTime() - 1000) / 1000,
    )
    expect(sample(text, 'tenor_transfer_event_lag_seconds')).toBe(90)
  }, 30_000)
})
