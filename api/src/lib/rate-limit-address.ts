import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import { isIP } from 'node:net'
import type { Key } from '@tenor/db/env'

/**
 * The visitor's address as the site saw it, passed to the API server-to-server. The API would
 * otherwise see only the site's own address. The address travels with an HMAC under a key
 * derived from SESSION_KEYS (which both processes hold), so only the site can vouch for one;
 * a client sending these headers itself gets them ignored.
 */
export const forwardedAddressHeader = 'x-tenor-client-address'
export const forwardedSignatureHeader = 'x-tenor-client-signature'

/** How old a signature may be. Site and API clocks are the same wall clock within a second. */
const maxAgeSeconds = 60

// Domain separation: the derived key signs addresses and nothing else.
const derivedKeys = new WeakMap<Buffer, Buffer>()
function addressKey(key: Buffer): Buffer {
  let derived = derivedKeys.get(key)
  if (!derived) {
    derived = Buffer.from(hkdfSync('sha256', key, '', 'tenor client address v1', 32))
    derivedKeys.set(key, derived)
  }
  return derived
}

function mac(key: Buffer, seconds: number, address: string): Buffer {
  return createHmac('sha256', addressKey(key)).update(`${seconds}\n${address}`).digest()
}

/** Headers the site adds to each API call: the visitor's address and its signature. */
export function signForwardedAddress(
  keys: Key[],
  address: string,
  nowMs = Date.now(),
): Record<string, string> {
  const current = keys[0]
  const trimmed = address.trim()
  if (!current || isIP(trimmed) === 0) return {}

  const seconds = Math.floor(nowMs / 1000)
  const signature = mac(current.key, seconds, trimmed).toString('base64url')
  return {
    [forwardedAddressHeader]: trimmed,
    [forwardedSignatureHeader]: `${current.id}:${seconds}:${signature}`,
  }
}

/**
 * The vouched-for address as the site saw it, or null when the headers are absent, stale or
 * not the site's.
 */
export function verifyForwardedAddress(
  keys: Key[],
  address: string | undefined,
  signature: string | undefined,
  nowMs = Date.now(),
): string | null {
  if (!address || !signature) return null

  const [id, secondsText, given] = signature.split(':')
  const key = keys.find((k) => k.id === id)
  const seconds = Number(secondsText)
  if (!key || !given || !Number.isSafeInteger(seconds)) return null
  if (Math.abs(nowMs / 1000 - seconds) > maxAgeSeconds) return null

  const expected = mac(key.key, seconds, address)
  const actual = Buffer.from(given, 'base64url')
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return null
  return asAddress(address)
}

/** The text as an IP address, trimmed; null when it is not one. */
export function asAddress(text: string): string | null {
  const value = text.trim()
  return isIP(value) === 0 ? null : value
}

/**
 * One key per client: IPv4 as written, IPv4-mapped IPv6 as IPv4, other IPv6 by its /64, since
 * one subscriber usually holds a whole /64 and could otherwise rotate through it. Null when the
 * text is not an address.
 */
export function normaliseAddress(text: string): string | null {
  const value = text.trim()
  const mapped = value.match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i)?.[1]
  if (mapped && isIP(mapped) === 4) return mapped
  if (isIP(value) === 4) return value
  if (isIP(value) !== 6) return null

  return `${expandIpv6(value).slice(0, 4).join(':')}::/64`
}

function expandIpv6(value: string): string[] {
  const [head = '', tail] = value.split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  // An embedded IPv4 tail (a.b.c.d) stands for two groups; only the first four groups matter.
  const missing = 8 - left.length - right.length
  const groups = [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right]
  return groups.map((group) => (Number.parseInt(group, 16) || 0).toString(16))
}
