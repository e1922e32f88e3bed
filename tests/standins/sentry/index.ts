import { type Envelope, parseEnvelope } from './envelope.ts'

/**
 * A local stand-in for Sentry's ingestion endpoint: `POST /api/<project>/envelope/` accepts the
 * envelope format (plain or gzip), checks the DSN's public key, and records every envelope, raw
 * and parsed, for tests to inspect. Loopback only.
 */

export interface RecordedEnvelope extends Envelope {
  project: string
  /** The envelope exactly as received (after gunzip), for searching for leaked secrets. */
  raw: string
}

export interface SentryStandIn {
  url: string
  /** A DSN pointing SDKs at this stand-in. */
  dsn: string
  envelopes: RecordedEnvelope[]
  /** Resolves with the first recorded envelope holding an item of `type`, or rejects. */
  waitForItem(type: string, timeoutMs?: number): Promise<RecordedEnvelope>
  stop(): Promise<void>
}

const publicKey = 'standinpublickey'
const project = '42'

export function startSentryStandIn(): SentryStandIn {
  const envelopes: RecordedEnvelope[] = []

  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(request) {
      const url = new URL(request.url)
      const match = url.pathname.match(/^\/api\/([^/]+)\/envelope\/?$/)
      if (request.method !== 'POST' || !match?.[1])
        return new Response('not found', { status: 404 })
      if (!authenticated(request, url)) return new Response('bad dsn key', { status: 401 })

      let bytes = new Uint8Array(await request.arrayBuffer())
      if (request.headers.get('content-encoding') === 'gzip') bytes = Bun.gunzipSync(bytes)
      let envelope: Envelope
      try {
        envelope = parseEnvelope(bytes)
      } catch {
        return new Response('malformed envelope', { status: 400 })
      }
      envelopes.push({ ...envelope, project: match[1], raw: new TextDecoder().decode(bytes) })
      return Response.json({ id: envelope.header.event_id ?? null })
    },
  })
  const base = `http://127.0.0.1:${server.port}`

  async function waitForItem(type: string, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const found = envelopes.find((e) => e.items.some((item) => item.header.type === type))
      if (found) return found
      await Bun.sleep(20)
    }
    throw new Error(`no ${type} envelope within ${timeoutMs} ms (got ${envelopes.length})`)
  }

  return {
    url: base,
    dsn: `http://${publicKey}@127.0.0.1:${server.port}/${project}`,
    envelopes,
    waitForItem,
    stop: () => server.stop(true),
  }
}

// SDKs send the key in `X-Sentry-Auth` (sentry_key=…) or as the `sentry_key` query parameter.
function authenticated(request: Request, url: URL): boolean {
  const header = request.headers.get('x-sentry-auth') ?? ''
  const key = header.match(/sentry_key=([^,\s]+)/)?.[1] ?? url.searchParams.get('sentry_key')
  return key === publicKey
}
