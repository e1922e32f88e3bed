import { generateKeyPairSync } from 'node:crypto'
import type { JWKPublicKey, WebhookVerificationKeyGetResponse } from 'plaid'
import type { Handler } from './context.ts'
import { invalidInput } from './errors.ts'
import { readString, requireFields } from './fields.ts'
import type { SigningKey, StandInState } from './state.ts'
import { unixSeconds } from './values.ts'

/** Makes a P-256 key pair. node:crypto is used because rotation must be synchronous. */
export function createSigningKey(now: Date): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })

  return {
    kid: crypto.randomUUID(),
    privateJwk: privateKey.export({ format: 'jwk' }),
    publicJwk: publicKey.export({ format: 'jwk' }),
    createdAt: unixSeconds(now),
    expiredAt: null,
  }
}

/** The key that signs new webhooks: the newest one that has not expired. */
export function currentSigningKey(state: StandInState): SigningKey {
  const key = state.keys.findLast((candidate) => candidate.expiredAt === null)
  if (!key) throw new Error('the stand-in state holds no unexpired signing key')

  return key
}

/** Makes a new signer and marks every older key expired, as Plaid does when it rotates. */
export function rotateSigningKey(state: StandInState, now: Date): SigningKey {
  for (const key of state.keys) key.expiredAt ??= unixSeconds(now)
  const next = createSigningKey(now)
  state.keys.push(next)

  return next
}

export function findPublicKey(state: StandInState, kid: string): JWKPublicKey {
  const key = state.keys.find((candidate) => candidate.kid === kid)
  const { x, y } = key?.publicJwk ?? {}
  if (!key || !x || !y) {
    throw invalidInput(
      'INVALID_WEBHOOK_VERIFICATION_KEY_ID',
      'invalid key_id provided. note that key_ids are specific to Plaid environments, and verification requests must be made to the same environment that the webhook was sent from',
    )
  }

  return {
    alg: 'ES256',
    created_at: key.createdAt,
    crv: 'P-256',
    expired_at: key.expiredAt,
    kid: key.kid,
    kty: 'EC',
    use: 'sig',
    x,
    y,
  }
}

export const getVerificationKey: Handler = ({ body, state, requestId }) => {
  requireFields(body, ['key_id'])
  const key = findPublicKey(state, readString(body, 'key_id'))

  return { body: { key, request_id: requestId } satisfies WebhookVerificationKeyGetResponse }
}
