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
