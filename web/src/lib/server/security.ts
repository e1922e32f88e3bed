import { isIP } from 'node:net'
import type { RequestEvent } from '@sveltejs/kit'
import { getEnv } from './env.ts'

const stateChanging = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

// The site uses none of these; a page that wants one must be allowed it here on purpose. Only
// features Chromium recognises: an unknown one (`bluetooth`) is a console warning on every page.
const permissionsPolicy = [
  'accelerometer=()',
  'browsing-topics=()',
  'camera=()',
  'display-capture=()',
  'geolocation=()',
  'gyroscope=()',
  'hid=()',
  'magnetometer=()',
  'microphone=()',
  'payment=()',
  'serial=()',
  'usb=()',
].join(', ')

/**
 * The visitor's address, for the API's rate limits: `Fly-Client-IP` only when running behind
 * Fly's proxy (which overwrites it), else the socket's peer. `X-Forwarded-For` is never read.
 */
export function readClientAddress(event: RequestEvent): string | null {
  const given =
    getEnv().trustProxy === 'fly'
      ? event.request.headers.get('fly-client-ip')
      : safeClientAddress(event)
  return given && isIP(given.trim()) !== 0 ? given.trim() : null
}

function safeClientAddress(event: RequestEvent): string | null {
  try {
    return event.getClientAddress()
  } catch {
    // Some adapters and test harnesses cannot tell; the API then counts the site's address.
    return null
  }
}

/**
 * Behind Fly's proxy in staging and production, a page asked for over plain HTTP is sent to
 * HTTPS; anything else asked for over HTTP is refused. Fly's `force_https` does the same at the
 * edge; this holds if that setting is ever lost.
 */
export function requireHttps(event: RequestEvent): Response | null {
  const env = getEnv()
  if (!env.isProduction || env.trustProxy !== 'fly') return null

  const scheme = event.request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim()
  if (scheme !== 'http') return null

  if (event.request.method !== 'GET' && event.request.method !== 'HEAD') {
    return new Response('Use https:// to reach Tenor.', { status: 403 })
  }
  const url = new URL(event.url)
  url.protocol = 'https:'
  url.port = ''
  return new Response(null, { status: 301, headers: { location: url.toString() } })
}

/**
 * Cross-site request forgery guard for every state-changing request, whatever its Content-Type
 * (SvelteKit's own check covers only form encodings, and not in development). A foreign
 * `Origin` is refused; so is a missing one when the session cookie is the credential, since
 * browsers always send `Origin` with these methods.
 */
export function refuseCrossSite(event: RequestEvent, hasSession: boolean): Response | null {
  if (!stateChanging.has(event.request.method)) return null

  const origin = event.request.headers.get('origin')
  const allowed = origin === event.url.origin || origin === new URL(getEnv().publicUrl).origin
  if (origin === null ? !hasSession : allowed) return null

  return new Response('Cross-site requests are refused.', {
    status: 403,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  })
}

/**
 * A POST naming the form action `default` (`?/default`), which no form here posts to: SvelteKit
 * reserves the name and throws a plain error for it, which would be answered as our 500 and
 * reported. It is answered as any action that does not exist, 404.
 */
export function refuseReservedAction(event: RequestEvent): Response | null {
  if (event.request.method !== 'POST') return null

  // SvelteKit reads the first parameter whose name starts with "/" as the action's name.
  const action = [...event.url.searchParams.keys()].find((key) => key.startsWith('/'))
  if (action !== '/default') return null

  return new Response('There is no such form action.', {
    status: 404,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  })
}

/** Headers beyond the content security policy (which SvelteKit writes, with its nonces). */
export function setBrowserPolicies(headers: Headers): void {
  headers.set('permissions-policy', permissionsPolicy)
  // For browsers older than CSP's frame-ancestors.
  headers.set('x-frame-options', 'DENY')
  if (getEnv().isProduction) {
    // Two years, every subdomain; the API sends one year. Browsers ignore it over plain HTTP.
    headers.set('strict-transport-security', 'max-age=63072000; includeSubDomains')
  }
}
