import { decodeProtectedHeader, importJWK, type JWK, jwtVerify } from 'jose'
import type { PlaidApi } from 'plaid'
import { constantTimeEqual, sha256Hex } from '../lib/crypto.ts'
import { callPlaid } from './errors.ts'

/** Plaid signs each webhook; a token older than this is a replay. */
export const maxWebhookAgeSeconds = 5 * 60
/** A cached key is asked for again after this long, to learn that Plaid has expired it. */
export const keyCacheMs = 5 * 60 * 1000

export type WebhookVerdict = { ok: true } | { ok: false; reason: string }

/**
 * Verifies Plaid's `Plaid-Verification` JWT against the exact raw body, as Plaid documents:
 * ES256 only, key fetched by `kid` and cached per `kid`, expired keys refused, `iat` at most five
 * minutes old, and the body's SHA-256 compared in constant time.
 */
export function createWebhookVerifier(plaid: PlaidApi, now: () => Date) {
  const keys = new Map<string, { key: Promise<JWK | null>; fetchedAt: number }>()

  function fetchKey(kid: string): Promise<JWK | null> {
    const cached = keys.get(kid)
    const fresh = cached && now().getTime() - cached.fetchedAt < keyCacheMs
    let pending = fresh ? cached.key : undefined
    if (!pending) {
      // A key id never seen before means Plaid may have rotated: re-check the others too.
      if (!cached) keys.clear()
      pending = callPlaid(() => plaid.webhookVerificationKeyGet({ key_id: kid }))
        .then((answer) => answer.key as unknown as JWK & { expired_at: number | null })
        .then((key) => (key.expired_at === null || key.expired_at === undefined ? key : null))
        .catch(() => null)
      keys.set(kid, { key: pending, fetchedAt: now().getTime() })
      // A key Plaid does not know, or has expired, is asked for again next time, not cached.
      pending.then((key) => {
        if (!key) keys.delete(kid)
      })
    }
    return pending
  }

  return async function verifyWebhook(
    rawBody: Uint8Array,
    token: string | undefined,
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

    const jwk = await fetchKey(header.kid)
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
