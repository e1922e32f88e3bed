import { describe, expect, test } from 'bun:test'
import {
  findPayoutDisagreements,
  findPurchaseDisagreements,
  type PayoutPostings,
  type PurchasePostings,
} from './ledger-rows.ts'

/** A note bought by debit, settled and still held: what the ledger shows for an active note. */
const active: PurchasePostings = {
  id: 'p1',
  state: 'active',
  amountCents: 100_000,
  rolled: false,
  capacityReleased: false,
  principalCents: 100_000,
  reserved: true,
  settled: true,
  reversed: false,
  paidOut: false,
  rolledOver: false,
  rolledIn: false,
  hasPayout: false,
  payoutSettled: false,
  payoutCancelled: false,
}
const ended = { principalCents: 0, paidOut: true, hasPayout: true }

describe('findPurchaseDisagreements', () => {
  test.each<[string, Partial<PurchasePostings>]>([
    ['a debit on its way', { state: 'pending', settled: false }],
    ['a settled note, or one set to be repaid early', {}],
    [
      'a note bought by rolling another over',
      { rolled: true, reserved: false, rolledIn: true, settled: false },
    ],
    ['a matured note whose payout is on its way or held', { state: 'matured', ...ended }],
    [
      'a note partly rolled over, the rest paid out',
      { state: 'matured', ...ended, paidOut: false, rolledOver: true },
    ],
    [
      'a paid note, whether or not its payout or its debit came back since (left to a person)',
      { state: 'paid', ...ended, payoutSettled: true },
    ],
    ['a note rolled over in full', { state: 'paid', principalCents: 0, rolledOver: true }],
    [
      'a debit returned after settling',
      { state: 'returned', principalCents: 0, reversed: true, capacityReleased: true },
    ],
    [
      'a note whose debit came back after it matured, its payout cancelled',
      {
        state: 'returned',
        ...ended,
        reversed: true,
        capacityReleased: true,
        payoutCancelled: true,
      },
    ],
    [
      'a note rolled over in full, closed with its chain after its debit came back',
      {
        state: 'returned',
        principalCents: 0,
        rolledOver: true,
        reversed: true,
        capacityReleased: true,
      },
    ],
    [
      'a note bought by a rollover, closed with the note it came from',
      {
        state: 'returned',
        rolled: true,
        reserved: false,
        rolledIn: true,
        settled: false,
        principalCents: 0,
        reversed: true,
        capacityReleased: true,
      },
    ],
    [
      'a purchase declined before its debit went out',
      {
        state: 'failed',
        principalCents: 0,
        settled: false,
        reversed: true,
        capacityReleased: true,
      },
    ],
  ])('accepts %s', (_, changes) => {
    expect(findPurchaseDisagreements({ ...active, ...changes })).toEqual([])
  })

  test('names each posting an active note should not have, or lacks', () => {
    const flipped = { ...active, principalCents: 0, reversed: true, capacityReleased: true }
    expect(findPurchaseDisagreements(flipped)).toEqual([
      'its principal stands at 0 cents, not its 100000',
      'the ledger reversed it',
      'its capacity was released',
    ])
    expect(findPurchaseDisagreements({ ...active, reserved: false, settled: false })).toEqual([
      'the ledger never reserved it',
      'the ledger never settled its debit',
    ])
  })

  test('a paid note needs its payout settled, unless it all rolled over', () => {
    expect(findPurchaseDisagreements({ ...active, state: 'paid', ...ended })).toEqual([
      'the ledger never settled its payout',
    ])
    expect(findPurchaseDisagreements({ ...active, state: 'matured', principalCents: 0 })).toEqual([
      'the ledger never paid it out or rolled it over',
      'it has no payout',
    ])
  })

  test('only a returned note had its payout cancelled, and only such a one was paid out', () => {
    const returned = { state: 'returned', reversed: true, capacityReleased: true } as const
    expect(findPurchaseDisagreements({ ...active, ...returned, ...ended })).toEqual([
      'the ledger paid it out or rolled it over',
    ])
    expect(
      findPurchaseDisagreements({ ...active, state: 'matured', ...ended, payoutCancelled: true }),
    ).toEqual(['its payout was cancelled'])
  })
})

const sent: PayoutPostings = {
  id: 'o1',
  state: 'pending',
  amountCents: 101_000,
  round: 0,
  sentCents: 101_000,
  settled: false,
  held: false,
  reversed: false,
}

describe('findPayoutDisagreements', () => {
  test.each<[string, Partial<PayoutPostings>]>([
    ['a credit on its way', {}],
    ['a settled credit', { state: 'settled', settled: true }],
    ['a credit that came back after settling', { state: 'returned', settled: true, held: true }],
    ['a credit that failed three times', { state: 'failed', held: true }],
    ['held money sent again, in its own round', { state: 'initiated', round: 2 }],
    ['a payout cancelled unsent, its note reversed', { state: 'cancelled', reversed: true }],
    ['held money cancelled, its note reversed', { state: 'cancelled', held: true, reversed: true }],
    [
      'a credit that settled and came back, then cancelled',
      { state: 'cancelled', settled: true, held: true, reversed: true },
    ],
  ])('accepts %s', (_, changes) => {
    expect(findPayoutDisagreements({ ...sent, ...changes })).toEqual([])
  })

  test('names what the postings of its round say otherwise', () => {
    expect(findPayoutDisagreements({ ...sent, sentCents: null, settled: true })).toEqual([
      'the ledger never sent it',
      'the ledger settled it',
    ])
    expect(findPayoutDisagreements({ ...sent, state: 'settled', held: true })).toEqual([
      'the ledger holds it for the investor',
      'the ledger never settled it',
    ])
    expect(findPayoutDisagreements({ ...sent, state: 'failed', settled: true })).toEqual([
      'the ledger never held it for the investor',
      'the ledger settled it',
    ])
    expect(findPayoutDisagreements({ ...sent, state: 'cancelled', settled: true })).toEqual([
      'the ledger settled it',
      'the ledger never reversed its note',
    ])
    expect(findPayoutDisagreements({ ...sent, reversed: true })).toEqual([
      'the ledger reversed its note',
    ])
  })
})
