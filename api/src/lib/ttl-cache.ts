/**
 * Remembers one computed value per key for `ttlMs` of wall time; concurrent callers for the same
 * key share one computation. A TTL of zero turns the cache off.
 */
export function createTtlCache<T>(ttlMs: number, maxKeys = 100) {
  const entries = new Map<string, { value: Promise<T>; expiresAt: number }>()

  return function cached(key: string, compute: () => Promise<T>): Promise<T> {
    if (ttlMs <= 0) return compute()
    const now = performance.now()
    const hit = entries.get(key)
    if (hit && hit.expiresAt > now) return hit.value

    if (entries.size >= maxKeys) entries.clear()
    const value = compute()
    entries.set(key, { value, expiresAt: now + ttlMs })
    // A failed computation is not remembered.
    value.catch(() => entries.delete(key))
    return value
  }
}
