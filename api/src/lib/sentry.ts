import type { Breadcrumb, ErrorEvent } from '@sentry/bun'
import * as Sentry from '@sentry/bun'
import type { Env } from '@tenor/db/env'
import { withoutQueryValues } from '@tenor/db/logger'

/**
 * Error reporting to Sentry, shared by the API, the worker and the site's server. Optional: with
 * no SENTRY_DSN nothing is initialised and `reportError` does nothing. Every event and
 * breadcrumb passes the same scrubbing before it leaves the process (docs/security.md):
 * cookies, authorization headers, request bodies and query strings are dropped; fields whose
 * names look secret or personal are replaced; emails and token-like strings are masked in any
 * text; the user is reduced to an id.
 */

export type SentryComponent = 'api' | 'worker' | 'web'

const errorIntegrations = new Set([
  'EventFilters',
  'FunctionToString',
  'LinkedErrors',
  'Dedupe',
  'OnUncaughtException',
  'OnUnhandledRejection',
  'ContextLines',
  'Context',
])

/** Starts Sentry for this process when a DSN is configured; answers whether it did. */
export function initSentry(env: Env, component: SentryComponent): boolean {
  if (!env.sentry.dsn) return false

  Sentry.init({
    dsn: env.sentry.dsn,
    environment: env.appEnv,
    release: env.sentry.release,
    // Collect as little as possible at the source; `beforeSend` scrubs whatever still arrives.
    dataCollection: {
      userInfo: false,
      cookies: false,
      httpHeaders: { request: { allow: ['content-type', 'user-agent'] }, response: false },
      httpBodies: [],
      urlQueryParams: false,
      databaseQueryData: false,
      stackFrameVariables: false,
      graphQL: { document: false, variables: false },
      genAI: { inputs: false, outputs: false },
    },
    initialScope: { tags: { component } },
    // Errors are reported from the app's own error handler (`reportError`). The automatic
    // server, fetch and framework instrumentation wraps every request and every outgoing call
    // in scopes and spans, for traces this app does not sample: it cost about half of an API
    // request's CPU and a tenth of a page's. Only the integrations error reporting needs are
    // kept, by name, so a default added or renamed in a later SDK stays off.
    tracesSampleRate: 0,
    integrations: (defaults) =>
      defaults.filter((integration) => errorIntegrations.has(integration.name)),
    beforeSend: (event) => scrubEvent(event),
    beforeBreadcrumb: (breadcrumb) => scrubBreadcrumb(breadcrumb),
  })
  return true
}

export interface ErrorContext {
  requestId?: string
  jobRunId?: string
  method?: string
  route?: string | null
  userId?: string
}

/** Sends one unexpected error with what identifies its request or job, never its payload. */
export function reportError(error: unknown, context: ErrorContext = {}): void {
  if (!Sentry.isInitialized()) return

  Sentry.withScope((scope) => {
    if (context.requestId) scope.setTag('request_id', context.requestId)
    if (context.jobRunId) scope.setTag('job_run_id', context.jobRunId)
    if (context.route) scope.setTag('route', context.route)
    if (context.method) scope.setTag('method', context.method)
    if (context.userId) scope.setUser({ id: context.userId })
    Sentry.captureException(error)
  })
}

/** Waits for queued events to be sent, then stops the client; for shutdown and tests. */
export async function closeSentry(timeoutMs = 2000): Promise<void> {
  if (Sentry.isInitialized()) await Sentry.close(timeoutMs)
}

// Names of fields whose values are never sent: credentials and personal or account data.
const sensitiveName =
  /pass(word)?|secret|token|auth|cookie|session|csrf|signature|api_?key|private|totp|otp|ssn|tax|account|routing|iban|mask|email|legal_?name|phone|address|birth|dob|^ip$|_ip$/i

const emailPattern = /[^\s@<>"'(),;:]+@[^\s@<>"'(),;:]+\.[a-z]{2,}/gi
// Long runs of token alphabet (session tokens, Plaid access tokens, JWT parts, hex digests).
const tokenPattern = /\b[A-Za-z0-9_-]{24,}\b/g
const bearerPattern = /\b(Bearer|Basic)\s+\S+/gi
// A tax id written as one (123-45-6789), and runs of eight or more digits: account and routing
// numbers, a tax id without its dashes. Short runs (amounts, years, counts) stay readable.
const taxIdPattern = /\b\d{3}-\d{2}-\d{4}\b/g
const longNumberPattern = /\b\d{8,}\b/g

/**
 * Masks query values, emails, bearer credentials, token-like strings, tax ids and long numbers
 * inside free text.
 */
export function scrubText(text: string): string {
  return withoutQueryValues(text)
    .replace(bearerPattern, '$1 [redacted]')
    .replace(emailPattern, '[email]')
    .replace(tokenPattern, '[token]')
    .replace(taxIdPattern, '[number]')
    .replace(longNumberPattern, '[number]')
}

/** A deep copy with sensitive fields replaced and every string scrubbed. */
export function scrubValue(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[depth]'
  if (typeof value === 'string') return scrubText(value)
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, depth + 1))
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [key, inner] of Object.entries(value)) {
      out[key] = sensitiveName.test(key) ? '[redacted]' : scrubValue(inner, depth + 1)
    }
    return out
  }
  return value
}

function scrubUrl(url: string): string {
  const cut = url.search(/[?#]/)
  return scrubText(cut === -1 ? url : url.slice(0, cut))
}

export function scrubEvent<T extends ErrorEvent>(event: T): T {
  if (event.request) {
    const { method, url } = event.request
    // Headers, cookies, bodies and query strings may all carry credentials: none is sent.
    event.request = { method, url: url ? scrubUrl(url) : undefined }
  }
  if (event.user) event.user = event.user.id ? { id: String(event.user.id) } : {}
  if (event.message) event.message = scrubText(event.message)
  for (const exception of event.exception?.values ?? []) {
    if (exception.value) exception.value = scrubText(exception.value)
  }
  if (event.extra) event.extra = scrubValue(event.extra) as T['extra']
  if (event.contexts) {
    // The trace context holds only ids Sentry needs intact to link events.
    const { trace, ...rest } = event.contexts
    event.contexts = { ...(scrubValue(rest) as T['contexts']), ...(trace ? { trace } : {}) }
  }
  if (event.breadcrumbs) {
    event.breadcrumbs = event.breadcrumbs.flatMap((crumb) => {
      const kept = scrubBreadcrumb(crumb)
      return kept ? [kept] : []
    })
  }
  return event
}

export function scrubBreadcrumb(breadcrumb: Breadcrumb): Breadcrumb | null {
  // Console output may echo anything; the structured logs are the record of what happened.
  if (breadcrumb.category === 'console') return null

  const data = breadcrumb.data ? { ...breadcrumb.data } : undefined
  if (data && typeof data.url === 'string') data.url = scrubUrl(data.url)
  return {
    ...breadcrumb,
    message: breadcrumb.message ? scrubText(breadcrumb.message) : undefined,
    data: data ? (scrubValue(data) as Breadcrumb['data']) : undefined,
  }
}
