import { describe, expect, test } from 'bun:test'
import {
  bankAccountStatusForReturn,
  canTransition,
  isFinalState,
  purchaseStates,
  stateForTransferEvent,
} from './purchase-states.ts'

describe('purchase state machine', () => {
  test('follows the transfer forward: initiated, pending, processing, active, matured, paid', () => {
    const path = ['initiated', 'pending', 'processing', 'active', 'matured', 'paid'] as const
    for (let i = 1; i < path.length; i++) {
      const from = path[i - 1]
      const to = path[i]
      if (from && to) expect(canTransition(from, to)).toBe(true)
    }
  })

  test('never moves back, and a final state never moves again', () => {
    expect(canTransition('active', 'processing')).toBe(false)
    expect(canTransition('processing', 'pending')).toBe(false)
    for (const final of ['paid', 'failed', 'cancelled', 'returned'] as const) {
      expect(isFinalState(final)).toBe(true)
      for (const to of purchaseStates) expect(canTransition(final, to)).toBe(false)
    }
  })

  test('cancels only before the transfer is posted, and returns only once money moved', () => {
    expect(canTransition('pending', 'cancelled')).toBe(true)
    expect(canTransition('processing', 'cancelled')).toBe(false)
    expect(canTransition('processing', 'returned')).toBe(true)
    expect(canTransition('active', 'returned')).toBe(true)
    expect(canTransition('initiated', 'returned')).toBe(false)
    expect(canTransition('pending', 'matured')).toBe(false)
  })

  test('maps Plaid transfer events; funds_available keeps a note active', () => {
    expect(stateForTransferEvent('posted')).toBe('processing')
    expect(stateForTransferEvent('settled')).toBe('active')
    expect(stateForTransferEvent('funds_available')).toBe('active')
    expect(stateForTransferEvent('returned')).toBe('returned')
    expect(stateForTransferEvent('pending')).toBeNull()
    expect(stateForTransferEvent('sweep.settled')).toBeNull()
  })

  test('marks accounts closed for R02 and R03, unauthorized for R05, R07, R10 and R29', () => {
    expect(['R02', 'R03'].map(bankAccountStatusForReturn)).toEqual(['closed', 'closed'])
    expect(['R05', 'R07', 'R10', 'R29'].map(bankAccountStatusForReturn)).toEqual([
      'unauthorized',
      'unauthorized',
      'unauthorized',
      'unauthorized',
    ])
    expect(bankAccountStatusForReturn('R01')).toBeNull()
    expect(bankAccountStatusForReturn(null)).toBeNull()
  })
})
