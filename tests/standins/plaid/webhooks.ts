import { createHash } from 'node:crypto'
import { importJWK, SignJWT } from 'jose'
import type { SigningKey } from './state.ts'
import { formatTimestamp, unixSeconds } from './values.ts'

const maxDeliveries = 1_000

export type LogEntry = { level: 'info' | 'warn' | 'error'; msg: string } & Record<string, unknown>
export type Logger = (entry: LogEntry) => void

/** A webhook a handler asks for; the server sends it after the state is saved. */
export interface WebhookRequest {
  url: string
  payload: object
}

export interface WebhookDelivery {
  url: string
  body: string
  kid: string
  at: string
  /** The receiver's HTTP status, or null when it could not be reached or was refused. */
  status: number | null
  error: string | null
}

export interface WebhookSender {
  send(request: WebhookRequest): void
  /** Resolves once every webhook queued so far has been delivered or has failed. */
  settle(): Promise<void>
  deliveries(): WebhookDelivery[]
}

interface SenderDeps {
  signingKey(): SigningKey
  clock(): Date
  log: Logger
  timeoutMs: number
  allowedHosts: string[]
}

/** Serialises a body the way Plaid does; the hash covers these exact bytes, spaces included. */
export function serializeWebhookBody(payload: object): string {
  return JSON.stringify(payload, null, 2)
}

export function hashWebhookBody(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex')
}

/** Signs `{iat, request_body_sha256}` with ES256 for the Plaid-Verification header. */
export async function signWebhookBody(body: string, key: SigningKey, now: Date): Promise<string> {
  const privateKey = await importJWK(key.privateJwk, 'ES256')

  return new SignJWT({ request_body_sha256: hashWebhookBody(body) })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
    .setIssuedAt(unixSeconds(now))
    .sign(privateKey)
}

// A local double must only ever call receivers on this machine unless told otherwise.
function isAllowedHost(url: URL, extraHosts: string[]): boolean {
  const host = url.hostname
  const loopback = host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host)

  return loopback || extraHosts.includes(host)
}

/**
 * Sends webhooks one after another, in the order they were asked for, so receivers and tests see a
 * stable sequence. A failed delivery is logged and recorded, never thrown: the stand-in carries on.
 */
export function createWebhookSender(deps: SenderDeps): WebhookSender {
  const deliveries: WebhookDelivery[] = []
  let queue: Promise<void> = Promise.resolve()

  async function deliver(request: WebhookRequest, key: SigningKey): Promise<void> {
    const now = deps.clock()
    const body = serializeWebhookBody(request.payload)
    const delivery: WebhookDelivery = {
      url: request.url,
      body,
      kid: key.kid,
      at: formatTimestamp(now),
      status: null,
      error: null,
    }
    deliveries.push(delivery)
    // A long-running dev server keeps only the recent history.
    if (deliveries.length > maxDeliveries) deliveries.shift()

    try {
      const url = new URL(request.url)
      if (!isAllowedHost(url, deps.allowedHosts)) {
        throw new Error(`refused to call ${url.hostname}: webhook hosts must be on loopback`)
      }

      const jwt = await signWebhookBody(body, key, now)
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'plaid-verification': jwt },
        body,
        signal: AbortSignal.timeout(deps.timeoutMs),
      })
      await response.arrayBuffer()
      delivery.status = response.status
      if (!response.ok) {
        deps.log({
          level: 'warn',
          msg: 'webhook answered non-2xx',
          url: request.url,
          status: response.status,
        })
      }
    } catch (error) {
      delivery.error = error instanceof Error ? error.message : String(error)
      deps.log({
        level: 'warn',
        msg: 'webhook delivery failed',
        url: request.url,
        error: delivery.error,
      })
    }
  }

  return {
    send(request) {
      const key = deps.signingKey()
      queue = queue.then(() => deliver(request, key))
    },
    settle: () => queue,
    deliveries: () => [...deliveries],
  }
}
