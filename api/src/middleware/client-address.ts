import type { Context } from 'hono'
import { getConnInfo } from 'hono/bun'
import type { AppDeps } from '../context.ts'
import {
  asAddress,
  forwardedAddressHeader,
  forwardedSignatureHeader,
  normaliseAddress,
  verifyForwardedAddress,
} from '../lib/rate-limit-address.ts'

/** Stands for every caller whose address cannot be known; they share one counter. */
export const unknownAddress = 'unknown'

const resolved = new WeakMap<Request, string | null>()

/**
 * The caller's address exactly as given, for records such as a debit authorization; null when
 * it cannot be known. In order of trust:
 * 1. the visitor's address vouched for by the site (an HMAC only the site can make);
 * 2. `Fly-Client-IP`, only when configured to run behind Fly's proxy, which overwrites it;
 * 3. the socket's peer address.
 * `X-Forwarded-For` and `X-Real-IP` are never read: any client can write them.
 */
export function exactClientAddress(c: Context, deps: AppDeps): string | null {
  if (resolved.has(c.req.raw)) return resolved.get(c.req.raw) ?? null

  const address =
    verifyForwardedAddress(
      deps.env.sessionKeys,
      c.req.header(forwardedAddressHeader),
      c.req.header(forwardedSignatureHeader),
    ) ??
    (deps.env.trustProxy === 'fly' ? flyClientAddress(c) : null) ??
    socketAddress(c)
  resolved.set(c.req.raw, address)
  return address
}

/** The caller as rate limits count it: its address, an IPv6 one by its /64 (`normaliseAddress`). */
export function clientAddress(c: Context, deps: AppDeps): string {
  const address = exactClientAddress(c, deps)
  return (address && normaliseAddress(address)) ?? unknownAddress
}

function flyClientAddress(c: Context): string | null {
  const given = c.req.header('fly-client-ip')
  return given ? asAddress(given) : null
}

function socketAddress(c: Context): string | null {
  try {
    const remote = getConnInfo(c).remote.address
    return remote ? asAddress(remote) : null
  } catch {
    // getConnInfo needs Bun's server as `c.env`; `app.request()` in tests and wrapped fetch
    // handlers do not pass it.
    return null
  }
}
