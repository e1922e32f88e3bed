import { decodeProtectedHeader, importJWK, type JWK, jwtVerify } from 'jose'
import type { PlaidApi } from 'plaid'
import { constantTimeEqual, sha256Hex } from '../lib/crypto.ts'
import { callPlaid, PlaidFailure } from './errors.ts'

/** Plaid signs each webhook; a token older than this is a replay. */
export const maxWebhookAgeSeconds = 5 * 60
/** A cached key is asked for again after this long, to learn that Plaid has expired it. */
export const keyCacheMs = 5 * 60 * 1000

/**
 * Lookups of key ids not seen before, a minute, for one sender's address: anyone can make one up,
 * but a sender's made-up ids spend only that sender's budget, so Plaid's own deliveries (from its
 * own addresses) still get their new keys looked up.
 */
const maxNewKeyLookupsPerSender = 5
/** And for all senders together, which bounds what a flood from many addresses costs Plaid. */
const maxNewKeyLookups = 60
/** Not asked of Plaid: too many new key ids this minute. Plaid delivers again later. */
const throttled = 'throttled'
/** Refused key ids, and senders, remembered at most; past this the memory starts again. */
const maxRemembered = 10_000

export type WebhookVerdict = { ok: true } | { ok: false; reason: string }

/**
 * Verifies Plaid's `Plaid-Verification` JWT against the exact raw body, as Plaid documents:
 * ES256 only, key fetched by `kid` and cached per `kid`, expired keys refused, `iat` at most five
 * minutes old, and the body's SHA-256 compared in constant time.
 */
export function createWebhookVerifier(plaid: PlaidApi, now: () => Date) {
  const keys = new Map<string, { key: Promise<JWK | null>; fetchedAt: number }>()
  // Key ids Plaid answered as unknown or expired, until they may be asked about again.
  const refused = new Map<string, number>()
  // When Plaid was last asked about key ids we had not seen, in all and by sender.
  const newKeyLookups: number[] = []
  const newKeyLookupsBySender = new Map<string, number[]>()

  /** Whether Plaid may be asked about a key id not in the cache for this sender now. */
  function mayLookUpNewKey(sender: string, at: number): boolean {
    const recent = (times: number[]) => times.filter((time) => at - time < 60_000)
    const all = recent(newKeyLookups)
    const mine = recent(newKeyLookupsBySender.get(sender) ?? [])
    if (all.length >= maxNewKeyLookups || mine.length >= maxNewKeyLookupsPerSender) return false
    newKeyLookups.splice(0, newKeyLookups.length, ...all, at)
    if (newKeyLookupsBySender.size >= maxRemembered) newKeyLookupsBySender.clear()
    newKeyLookupsBySender.set(sender, [...mine, at])
    return true
  }

  function fetchKey(kid: string, sender: string): Promise<JWK | typeof throttled | null> {
    const at = now().getTime()
    const cached = keys.get(kid)
    if (cached && at - cached.fetchedAt < keyCacheMs) return cached.key
    // A key id Plaid refused, or a flood of made-up ones, costs no call to Plaid. A cached key
    // is asked for again when its time is up, which is how an expired one is learned.
    if ((refused.get(kid) ?? 0) > at) return Promise.resolve(null)
    if (!cached && !mayLookUpNewKey(sender, at)) return Promise.resolve(throttled)

    // Plaid's answer that a key is expired or unknown is remembered; its failing to answer is not.
    const pending = callPlaid(() => plaid.webhookVerificationKeyGet({ key_id: kid }))
      .then((answer) => answer.key as unknown as JWK & { expired_at: number | null })
      .then((key) => (key.expired_at === null || key.expired_at === undefined ? key : 'refused'))
      .catch((error: unknown) =>
        error instanceof PlaidFailure && !error.transient ? 'refused' : 'unanswered',
      )
      .then((key) => {
        if (typeof key === 'object') return key
        keys.delete(kid)
        if (key === 'refused') {
          if (refused.size >= maxRemembered) refused.clear()
          refused.set(kid, at + keyCacheMs)
        }
        return null
      })
    keys.set(kid, { key: pending, fetchedAt: at })
    return pending
  }

  /** `sender` is the delivering address, which the lookup budget of made-up key ids is kept by. */
  return async function verifyWebhook(
    rawBody: Uint8Array,
    token: string | undefined,
    sender: string,
  ): Promise<WebhookVerdict> {
    if (!token) return { ok: false, reason: 'missing Plaid-Verification header' }

    let header: ReturnType<typeof decodeProtectedHeader>
    try {
      header = decodeProtectedHeader(token)
    } catch {
      return { ok: false, reason: 'malformed token' }
    }
    if (header.alg !== 'ES256') return { ok: false, reason: 'algorithm not allowed' }
    if (typeof header.kid !== 'string' || header.kid.length > 100) {
      return { ok: false, reason: 'missing key id' }
    }

    const jwk = await fetchKey(header.kid, sender)
    if (jwk === throttled) return { ok: false, reason: 'new key ids asked about too often' }
    if (!jwk) return { ok: false, reason: 'unknown or expired key' }

    let claims: Record<string, unknown>
    try {
      const key = await importJWK({ ...jwk, alg: 'ES256' }, 'ES256')
      const verified = await jwtVerify(token, key, {
        algorithms: ['ES256'],
        maxTokenAge: maxWebhookAgeSeconds,
        currentDate: now(),
      })
      claims = verified.payload
    } catch {
      return { ok: false, reason: 'signature or age check failed' }
    }

    const claimed = claims.request_body_sha256
    if (typeof claimed !== 'string' || !constantTimeEqual(claimed, sha256Hex(rawBody))) {
      return { ok: false, reason: 'body hash mismatch' }
    }
    return { ok: true }
  }
}

export type WebhookVerifier = ReturnType<typeof createWebhookVerifier>
