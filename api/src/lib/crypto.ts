import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto'
import type { Key } from '@tenor/db/env'

/**
 * Data at rest that must be read back (Plaid access tokens, tax ids, TOTP secrets) is sealed
 * with AES-256-GCM. The envelope names the key that sealed it, so keys rotate by putting a new
 * key first in the list: new data uses it, old data still opens with the older key.
 *
 * Envelope: `v1.<keyId>.<iv b64url>.<ciphertext b64url>.<tag b64url>`
 */

export class DecryptionError extends Error {
  constructor() {
    super('ciphertext could not be opened')
  }
}

export function encrypt(plaintext: string, keys: Key[], associatedData = ''): string {
  const [current] = keys
  if (!current) throw new Error('no encryption key configured')
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', current.key, iv)
  cipher.setAAD(Buffer.from(associatedData))
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  const tag = cipher.getAuthTag()
  return ['v1', current.id, b64(iv), b64(body), b64(tag)].join('.')
}

/** Opens an envelope; `associatedData` must match what sealed it (binds a value to its row). */
export function decrypt(envelope: string, keys: Key[], associatedData = ''): string {
  const [version, keyId, iv, body, tag, ...rest] = envelope.split('.')
  const key = keys.find((k) => k.id === keyId)
  if (version !== 'v1' || !key || !iv || !body || !tag || rest.length > 0) {
    throw new DecryptionError()
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'))
    decipher.setAAD(Buffer.from(associatedData))
    decipher.setAuthTag(Buffer.from(tag, 'base64url'))
    return Buffer.concat([
      decipher.update(Buffer.from(body, 'base64url')),
      decipher.final(),
    ]).toString('utf8')
  } catch {
    throw new DecryptionError()
  }
}

/** The key id an envelope was sealed with, to find data that still needs re-encryption. */
export function envelopeKeyId(envelope: string): string | undefined {
  return envelope.split('.')[1]
}

/** A URL-safe random token with `bytes` bytes of entropy (default 32: 256 bits). */
export function randomToken(bytes = 32): string {
  return b64(randomBytes(bytes))
}

/** Keyed hash of a bearer token for storage: a stolen database cannot be replayed as tokens. */
export function hashToken(token: string, key: Key): string {
  return createHmac('sha256', key.key).update(token).digest('base64url')
}

export function sha256Hex(data: string | Uint8Array): string {
  return new Bun.CryptoHasher('sha256').update(data).digest('hex')
}

/** Compares two strings in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  if (left.length !== right.length) {
    timingSafeEqual(left, left)
    return false
  }
  return timingSafeEqual(left, right)
}

function b64(data: Uint8Array): string {
  return Buffer.from(data).toString('base64url')
}
