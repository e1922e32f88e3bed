import { describe, expect, test } from 'bun:test'
import { randomBytes } from 'node:crypto'
import {
  constantTimeEqual,
  DecryptionError,
  decrypt,
  encrypt,
  envelopeKeyId,
  hashToken,
  randomToken,
} from './crypto.ts'

const k1 = { id: 'k1', key: randomBytes(32) }
const k2 = { id: 'k2', key: randomBytes(32) }

describe('encrypt and decrypt', () => {
  test('round-trips text and never repeats a ciphertext', () => {
    const a = encrypt('access-sandbox-123', [k1])
    const b = encrypt('access-sandbox-123', [k1])
    expect(a).not.toBe(b)
    expect(decrypt(a, [k1])).toBe('access-sandbox-123')
  })

  test('refuses a tampered ciphertext, tag or key id', () => {
    const sealed = encrypt('123-45-6789', [k1])
    const parts = sealed.split('.')
    const flip = (s: string) => (s[0] === 'A' ? `B${s.slice(1)}` : `A${s.slice(1)}`)
    for (const index of [2, 3, 4]) {
      const copy = [...parts]
      copy[index] = flip(copy[index] ?? '')
      expect(() => decrypt(copy.join('.'), [k1])).toThrow(DecryptionError)
    }
    expect(() => decrypt(sealed.replace('.k1.', '.k2.'), [k1, k2])).toThrow(DecryptionError)
  })

  test('refuses the wrong key and the wrong associated data', () => {
    const sealed = encrypt('secret', [k1], 'user:1')
    expect(() => decrypt(sealed, [{ id: 'k1', key: k2.key }], 'user:1')).toThrow(DecryptionError)
    expect(() => decrypt(sealed, [k1], 'user:2')).toThrow(DecryptionError)
  })

  test('keeps opening old data after a new key is put first', () => {
    const old = encrypt('before rotation', [k1])
    const rotated = [k2, k1]
    expect(decrypt(old, rotated)).toBe('before rotation')
    const fresh = encrypt('after rotation', rotated)
    expect(envelopeKeyId(fresh)).toBe('k2')
    expect(envelopeKeyId(old)).toBe('k1')
  })
})

describe('tokens', () => {
  test('random tokens carry 256 bits and differ every time', () => {
    const tokens = new Set(Array.from({ length: 100 }, () => randomToken()))
    expect(tokens.size).toBe(100)
    expect(Buffer.from([...tokens][0] ?? '', 'base64url').length).toBe(32)
  })

  test('token hashes depend on the key', () => {
    expect(hashToken('t', k1)).toBe(hashToken('t', k1))
    expect(hashToken('t', k1)).not.toBe(hashToken('t', k2))
  })

  test('constant-time comparison answers like equality', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true)
    expect(constantTimeEqual('abc', 'abd')).toBe(false)
    expect(constantTimeEqual('abc', 'abcd')).toBe(false)
  })
})
