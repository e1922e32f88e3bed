import { initSentry, reportError } from '@tenor/api/lib/sentry'
import { getEnv } from './env.ts'

/**
 * Server-side error reporting for the site, through the same module and scrubbing rules as the
 * API and the worker. The SvelteKit SDK (@sentry/sveltekit 11) could not be installed: it needs
 * @sentry/svelte 11, which the registry does not serve; so unexpected errors are sent from
 * `handleError` with @sentry/bun (the site runs under Bun). docs/security.md has the details.
 */
export function startErrorReporting(): void {
  initSentry(getEnv(), 'web')
}

export function reportSiteError(
  error: unknown,
  context: { requestId: string; method: string; route: string | null; userId?: string },
): void {
  reportError(error, context)
}
