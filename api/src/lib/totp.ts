import { Secret, TOTP } from 'otpauth'

/** RFC 6238 time-based codes: SHA-1, 6 digits, 30-second steps, as every authenticator app uses. */
const period = 30

/** What a user's sealed TOTP secret is bound to: a secret copied to another user does not open. */
export const totpAssociatedData = (userId: string) => `totp:${userId}`

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32
}

export function totpUri(secret: string, account: string): string {
  return new TOTP({ issuer: 'Tenor', label: account, secret, period }).toString()
}

/**
 * The time step a code matches (allowing one step of clock drift either way), or null. Callers
 * refuse a step at or below the last one accepted, so a code can never be replayed.
 */
export function matchTotpStep(secret: string, code: string, now: Date): number | null {
  const totp = new TOTP({ secret, period })
  const delta = totp.validate({ token: code, timestamp: now.getTime(), window: 1 })
  if (delta === null) return null
  return Math.floor(now.getTime() / 1000 / period) + delta
}

/** The current code, for tests and the seed's demo admin. */
export function currentTotpCode(secret: string, now: Date): string {
  return new TOTP({ secret, period }).generate({ timestamp: now.getTime() })
}
