import { describe, expect, test } from 'bun:test'
import { canReconnect, describeBankReason } from '../../web/src/lib/bank-words.ts'

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
