import { getEnv } from './env.ts'

/** The pages that open Plaid Link; only they load Plaid's script. */
const linkRoutes = new Set(['/banks/link', '/banks/[id=id]/reconnect', '/banks/oauth'])

/**
 * What Plaid Link needs beyond the site's own policy, per Plaid's Link web SDK notes: its
 * script from the CDN, its window as a frame from the CDN, and calls to the Plaid environment
 * in use. `default-src` and the rest stay as the site sets them.
 */
function plaidSources(plaidEnv: 'sandbox' | 'production'): Record<string, string[]> {
  return {
    'script-src': ['https://cdn.plaid.com/link/v2/stable/link-initialize.js'],
    'frame-src': ["'self'", 'https://cdn.plaid.com/'],
    'connect-src': [`https://${plaidEnv}.plaid.com/`],
  }
}

/**
 * Widens the content security policy for the Plaid Link pages when the site talks to real
 * Plaid. With the local stand-in those pages show the site's own chooser and need nothing.
 *
 * Links to these pages must load a new document (`data-sveltekit-reload`): a page reached by
 * client-side navigation keeps the policy of the document it started in.
 */
export function allowPlaidLink(routeId: string | null, headers: Headers): void {
  const { env: plaidEnv } = getEnv().plaid
  if (plaidEnv === 'local' || !routeId || !linkRoutes.has(routeId)) return

  const policy = headers.get('content-security-policy')
  if (!policy) return

  headers.set('content-security-policy', addSources(policy, plaidSources(plaidEnv)))
}

/** Adds sources to a policy's directives, creating the directives it lacks. */
export function addSources(policy: string, extra: Record<string, string[]>): string {
  const directives = policy
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => part.split(/\s+/))
  for (const [name, sources] of Object.entries(extra)) {
    const directive = directives.find(([directiveName]) => directiveName === name)
    if (directive) directive.push(...sources.filter((source) => !directive.includes(source)))
    else directives.push([name, ...sources])
  }

  return directives.map((parts) => parts.join(' ')).join('; ')
}
