import { describe, expect, test } from 'bun:test'
import { normalizeRecoveryCode } from './recovery-codes.ts'

describe('normalizeRecoveryCode', () => {
  test('ignores case, spaces and dashes', () => {
    expect(normalizeRecoveryCode('7HQ2M-X9C4D')).toBe('7hq2mx9c4d')
    expect(normalizeRecoveryCode(' 7hq2m x9c4d ')).toBe('7hq2mx9c4d')
    expect(normalizeRecoveryCode('7h-q2-mx-9c-4d')).toBe('7hq2mx9c4d')
  })

  test('reads letters that look like digits as those digits', () => {
    expect(normalizeRecoveryCode('ilo23-45678')).toBe('1102345678')
    expect(normalizeRecoveryCode('IL023-45678')).toBe('1102345678')
  })

  test('refuses what cannot be a code', () => {
    for (const input of [
      '',
      '7hq2m',
      '7hq2m-x9c4d1',
      'uuuuu-uuuuu',
      '7hq2m_x9c4d',
      '１２３４５-６７８９０',
    ]) {
      expect(normalizeRecoveryCode(input)).toBeNull()
    }
  })
})
