/**
 * Where to go after signing in: only a path on this site, so a crafted link cannot send someone
 * elsewhere. Parsing settles `//evil.example` and `/\evil.example`, which browsers read as hosts.
 */
export function safeNextPath(value: string | null | undefined, fallback = '/portfolio'): string {
  if (!value?.startsWith('/')) return fallback

  const base = 'http://site.invalid'
  let url: URL
  try {
    url = new URL(value, base)
  } catch {
    return fallback
  }
  const path = url.pathname + url.search
  // `/.//evil.example` parses to the path `//evil.example`, which a browser reads as a host.
  return url.origin === base && !path.startsWith('//') ? path : fallback
}

/**
 * The page to come back to after signing in: this address as a page, so a form posted to an
 * action (`?step=review&/confirm`) returns to the page that holds the form, not to the action.
 */
export function returnPath(url: URL): string {
  const kept = [...url.searchParams].filter(([name]) => !name.startsWith('/'))
  const query = new URLSearchParams(kept).toString()

  return query ? `${url.pathname}?${query}` : url.pathname
}

/** Why the sign-in page was asked for, said on it (`session` in its address). */
export const signInReasons = {
  ended: 'ended',
  required: 'required',
  /** The investor logged out on every device (Settings). */
  everywhere: 'everywhere',
  /** The investor logged out on this one. */
  out: 'out',
} as const

export type SignInReason = (typeof signInReasons)[keyof typeof signInReasons]

export function readSignInReason(value: string | null): SignInReason | null {
  return Object.values(signInReasons).find((reason) => reason === value) ?? null
}
