import { describe, expect, test } from 'bun:test'
import { canReconnect, describeBankReason, reconnectLabel } from '../../web/src/lib/bank-words.ts'

describe('a bank connection Plaid no longer has, explained on the banks page', () => {
  test('asks for the bank to be linked again, since update mode cannot repair it', () => {
    expect(describeBankReason('revoked', 'ITEM_NOT_FOUND')).toContain('Link it again')
    expect(canReconnect('revoked', 'ITEM_NOT_FOUND')).toBeFalse()
  })

  test('asks for a reconnect when the bank shares no accounts any more', () => {
    expect(describeBankReason('needs_reconnect', 'NO_ACCOUNTS')).toContain('Reconnect')
    expect(canReconnect('needs_reconnect', 'NO_ACCOUNTS')).toBeTrue()
  })
})

describe('a bank connection due to stop working', () => {
  test('works until then, and offers a reconnect rather than an update of accounts', () => {
    for (const signal of ['PENDING_DISCONNECT', 'PENDING_EXPIRATION']) {
      expect(describeBankReason('healthy', signal)).toContain('It works until then')
      expect(canReconnect('healthy', signal)).toBeTrue()
      expect(reconnectLabel(signal)).toBe('Reconnect')
    }
    expect(reconnectLabel('NEW_ACCOUNTS_AVAILABLE')).toBe('Update accounts')
    expect(canReconnect('healthy', null)).toBeFalse()
  })
})
