import { describe, expect, test } from 'bun:test'
import { PlaidFailure } from './errors.ts'
import { accountStatusForRefusal, scopeOfRefusal } from './refusals.ts'

const refusal = (status: number | null, type: string, code: string) =>
  new PlaidFailure(status, type, code, null, null)

describe('the scope of a Plaid refusal of a transfer', () => {
  test('is transient when Plaid or the bank did not answer', () => {
    expect(scopeOfRefusal(refusal(500, 'API_ERROR', 'INTERNAL_SERVER_ERROR'))).toBe('transient')
    expect(scopeOfRefusal(refusal(429, 'RATE_LIMIT_EXCEEDED', 'RATE_LIMIT'))).toBe('transient')
    expect(scopeOfRefusal(refusal(400, 'INSTITUTION_ERROR', 'INSTITUTION_DOWN'))).toBe('transient')
    expect(scopeOfRefusal(refusal(null, 'NETWORK_ERROR', 'ECONNRESET'))).toBe('transient')
  })

  test('is the item for errors of the connection, whatever account is asked for', () => {
    for (const code of [
      'ITEM_NOT_FOUND',
      'ITEM_LOGIN_REQUIRED',
      'ACCESS_NOT_GRANTED',
      'NO_ACCOUNTS',
      'USER_PERMISSION_REVOKED',
    ]) {
      expect(scopeOfRefusal(refusal(400, 'ITEM_ERROR', code))).toBe('item')
    }
  })

  test('is the account for an account Plaid no longer knows or blocks', () => {
    expect(scopeOfRefusal(refusal(400, 'INVALID_INPUT', 'INVALID_ACCOUNT_ID'))).toBe('account')
    expect(scopeOfRefusal(refusal(400, 'TRANSFER_ERROR', 'TRANSFER_ACCOUNT_BLOCKED'))).toBe(
      'account',
    )
    expect(accountStatusForRefusal('INVALID_ACCOUNT_ID')).toBe('removed')
    expect(accountStatusForRefusal('TRANSFER_ACCOUNT_BLOCKED')).toBe('closed')
    expect(accountStatusForRefusal('TRANSFER_UNSUPPORTED_ACCOUNT_TYPE')).toBeNull()
  })

  test('is ours for requests, configuration and limits a person must fix', () => {
    for (const [type, code] of [
      ['INVALID_REQUEST', 'INVALID_FIELD'],
      ['INVALID_INPUT', 'INVALID_API_KEYS'],
      // Also what a token of another environment gets: never taken as the investor's doing.
      ['INVALID_INPUT', 'INVALID_ACCESS_TOKEN'],
      ['TRANSFER_ERROR', 'TRANSFER_NETWORK_LIMIT_EXCEEDED'],
      ['TRANSFER_ERROR', 'TRANSFER_FORBIDDEN_ACH_CLASS'],
      ['ITEM_ERROR', 'toString'],
    ] as const) {
      expect(scopeOfRefusal(refusal(400, type, code))).toBe('ours')
    }
  })
})
