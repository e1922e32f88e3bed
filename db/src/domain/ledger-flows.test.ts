import { describe, expect, test } from 'bun:test'
import { toCalendarDate } from './dates.ts'
import { accounts, parseAccountCode } from './ledger-accounts.ts'
import {
  accrueInterestPosting,
  openOfferingPosting,
  resendPayoutPosting,
  reservePurchasePosting,
  returnPayoutPosting,
  reverseMaturedPurchasePosting,
  reversePurchasePosting,
  rolloverPosting,
  sendPayoutPosting,
  settlePayoutPosting,
  settlePurchasePosting,
} from './ledger-flows.ts'
import { type LedgerPosting, validatePosting } from './ledger-postings.ts'

const effectiveDate = toCalendarDate('2026-03-02')
const ref = { purchaseId: 'p1', offeringId: 'o1', userId: 'u1', effectiveDate }

/** Balances in each account's normal direction after applying postings, as the ledger would. */
function balancesAfter(postings: (LedgerPosting | null)[]): Record<string, number> {
  const balances: Record<string, number> = {}
  for (const posting of postings) {
    if (!posting) continue
    for (const line of validatePosting(posting)) {
      const signed = line.debitCents - line.creditCents
      const normal = parseAccountCode(line.account)?.rule.normalBalance === 'debit' ? 1 : -1
      balances[line.account] = (balances[line.account] ?? 0) + normal * signed
    }
  }
  return balances
}

const opened = openOfferingPosting({ offeringId: 'o1', capacityCents: 1_000_000, effectiveDate })
const reserved = reservePurchasePosting({ ...ref, amountCents: 100_000 })

describe('posting rules', () => {
  test('a note bought, accrued, matured and paid out leaves nothing owed', () => {
    const balances = balancesAfter([
      opened,
      reserved,
      settlePurchasePosting({ ...ref, amountCents: 100_000 }),
      accrueInterestPosting({ ...ref, accruedCents: 1200, postedCents: 0 }),
      accrueInterestPosting({ ...ref, accruedCents: 3967, postedCents: 1200, atMaturity: true }),
      sendPayoutPosting({ ...ref, principalCents: 100_000, interestCents: 3967 }),
      settlePayoutPosting({ ...ref, amountCents: 103_967 }),
    ])
    expect(balances).toEqual({
      'offering:o1:authorized': 1_000_000,
      'offering:o1:capacity': 900_000,
      'offering:o1:sold': 100_000,
      'ach:receivable_in_transit': 0,
      'note:p1:principal': 0,
      'note:p1:interest_payable': 0,
      'issuer:o1:interest_expense': 3967,
      'ach:payable_in_transit': 0,
      // The issuer's deposit that funds interest is not modelled yet (see the chart).
      'bank:fbo_cash': -3967,
    })
  })

  test('a purchase returned before settlement gives its capacity back exactly', () => {
    const balances = balancesAfter([
      opened,
      reserved,
      reversePurchasePosting({ ...ref, amountCents: 100_000, settled: false }),
    ])
    expect(balances['offering:o1:capacity']).toBe(1_000_000)
    expect(balances['offering:o1:sold']).toBe(0)
    expect(balances['note:p1:principal']).toBe(0)
    expect(balances['ach:receivable_in_transit']).toBe(0)
  })

  test('a purchase returned after settlement takes the money back out of the bank', () => {
    const balances = balancesAfter([
      opened,
      reserved,
      settlePurchasePosting({ ...ref, amountCents: 100_000 }),
      accrueInterestPosting({ ...ref, accruedCents: 55, postedCents: 0 }),
      reversePurchasePosting({
        ...ref,
        amountCents: 100_000,
        settled: true,
        accruedInterestCents: 55,
      }),
    ])
    expect(balances['bank:fbo_cash']).toBe(0)
    expect(balances['note:p1:interest_payable']).toBe(0)
    expect(balances['issuer:o1:interest_expense']).toBe(0)
    expect(balances['offering:o1:capacity']).toBe(1_000_000)
  })

  test('a note whose debit came back after it matured, its payout unsent, owes nothing and takes the principal back out of the bank', () => {
    const matured = [
      opened,
      reserved,
      settlePurchasePosting({ ...ref, amountCents: 100_000 }),
      accrueInterestPosting({ ...ref, accruedCents: 3967, postedCents: 0, atMaturity: true }),
      sendPayoutPosting({ ...ref, principalCents: 100_000, interestCents: 3967 }),
    ]
    const reversal = reverseMaturedPurchasePosting({
      ...ref,
      principalCents: 100_000,
      interestCents: 3967,
      payoutHeld: false,
      settled: true,
    })
    const balances = balancesAfter([...matured, reversal])
    expect(balances).toEqual({
      'offering:o1:authorized': 1_000_000,
      'offering:o1:capacity': 1_000_000,
      'offering:o1:sold': 0,
      'ach:receivable_in_transit': 0,
      'note:p1:principal': 0,
      'note:p1:interest_payable': 0,
      'issuer:o1:interest_expense': 0,
      'ach:payable_in_transit': 0,
      'bank:fbo_cash': 0,
    })
    // The purchase's one reversal, whichever path writes it.
    expect(reversal.idempotencyKey).toBe(
      reversePurchasePosting({ ...ref, amountCents: 100_000, settled: true }).idempotencyKey,
    )
  })

  test('a payout held for the investor is taken from the held balance when its note is undone after maturity', () => {
    const balances = balancesAfter([
      opened,
      reserved,
      settlePurchasePosting({ ...ref, amountCents: 100_000 }),
      accrueInterestPosting({ ...ref, accruedCents: 500, postedCents: 0, atMaturity: true }),
      sendPayoutPosting({ ...ref, principalCents: 100_000, interestCents: 500 }),
      returnPayoutPosting({ ...ref, amountCents: 100_500, settled: false }),
      reverseMaturedPurchasePosting({
        ...ref,
        principalCents: 100_000,
        interestCents: 500,
        payoutHeld: true,
        settled: true,
      }),
    ])
    expect(balances['investor:u1:held']).toBe(0)
    expect(balances[accounts.achPayable]).toBe(0)
    expect(balances[accounts.fboCash]).toBe(0)
    expect(balances['issuer:o1:interest_expense']).toBe(0)
  })

  test('a returned payout is held for the investor', () => {
    const balances = balancesAfter([
      sendPayoutPosting({ ...ref, principalCents: 100_000, interestCents: 0 }),
      settlePayoutPosting({ ...ref, amountCents: 100_000 }),
      returnPayoutPosting({ ...ref, amountCents: 100_000, settled: true }),
    ])
    expect(balances['investor:u1:held']).toBe(100_000)
    expect(balances['bank:fbo_cash']).toBe(0)
  })

  test('held money sent again and returned again goes back to the held balance, each round once', () => {
    const balances = balancesAfter([
      sendPayoutPosting({ ...ref, principalCents: 100_000, interestCents: 0 }),
      returnPayoutPosting({ ...ref, amountCents: 100_000, settled: false }),
      resendPayoutPosting({ ...ref, amountCents: 100_000, round: 1 }),
      settlePayoutPosting({ ...ref, amountCents: 100_000, round: 1 }),
      returnPayoutPosting({ ...ref, amountCents: 100_000, settled: true, round: 1 }),
      resendPayoutPosting({ ...ref, amountCents: 100_000, round: 2 }),
      settlePayoutPosting({ ...ref, amountCents: 100_000, round: 2 }),
    ])
    expect(balances['investor:u1:held']).toBe(0)
    expect(balances[accounts.achPayable]).toBe(0)
    // Paid once: the first settlement came back, the second stayed.
    expect(balances[accounts.fboCash]).toBe(-100_000)
    const keys = [0, 1, 2].map((round) => settlePayoutPosting({ ...ref, amountCents: 1, round }))
    expect(new Set(keys.map((k) => k.idempotencyKey)).size).toBe(3)
    expect(keys[0]?.idempotencyKey).toBe('purchase:p1:payout_settled')
    expect(() => resendPayoutPosting({ ...ref, amountCents: 1, round: 0 })).toThrow(RangeError)
  })

  test('a rollover of principal only moves it to the new note and pays the interest out', () => {
    const balances = balancesAfter([
      rolloverPosting({
        from: ref,
        toPurchaseId: 'p2',
        toOfferingId: 'o2',
        principalCents: 100_000,
        interestCents: 3967,
        rolledCents: 100_000,
      }),
    ])
    expect(balances).toEqual({
      'note:p1:principal': -100_000,
      'note:p1:interest_payable': -3967,
      'note:p2:principal': 100_000,
      'ach:payable_in_transit': 3967,
      'offering:o2:capacity': -100_000,
      'offering:o2:sold': 100_000,
    })
  })

  test('a chain of rollovers closed after its first debit came back leaves nothing owed', () => {
    // p1 ($1,000 at o1) rolls principal and interest into p2 ($1,039.67 at o2, less 67 cents
    // paid out to keep its steps), which rolls its principal into p3 ($1,039.00 at o3), still
    // earning. p1's debit comes back; the chain is closed from its last note to its first.
    const ref2 = { ...ref, purchaseId: 'p2', offeringId: 'o2' }
    const ref3 = { ...ref, purchaseId: 'p3', offeringId: 'o3' }
    const open = (offeringId: string) =>
      openOfferingPosting({ offeringId, capacityCents: 1_000_000, effectiveDate })
    const balances = balancesAfter([
      opened,
      open('o2'),
      open('o3'),
      reserved,
      settlePurchasePosting({ ...ref, amountCents: 100_000 }),
      accrueInterestPosting({ ...ref, accruedCents: 3967, postedCents: 0, atMaturity: true }),
      rolloverPosting({
        from: ref,
        toPurchaseId: 'p2',
        toOfferingId: 'o2',
        principalCents: 100_000,
        interestCents: 3967,
        rolledCents: 103_900,
      }),
      accrueInterestPosting({ ...ref2, accruedCents: 2000, postedCents: 0, atMaturity: true }),
      rolloverPosting({
        from: ref2,
        toPurchaseId: 'p3',
        toOfferingId: 'o3',
        principalCents: 103_900,
        interestCents: 2000,
        rolledCents: 103_900,
      }),
      accrueInterestPosting({ ...ref3, accruedCents: 150, postedCents: 0 }),
      reversePurchasePosting({
        ...ref3,
        rolledFromPurchaseId: 'p2',
        amountCents: 103_900,
        accruedInterestCents: 150,
      }),
      reverseMaturedPurchasePosting({
        ...ref2,
        rolledFromPurchaseId: 'p1',
        principalCents: 103_900,
        interestCents: 2000,
        payoutHeld: false,
        rolledOnCents: 103_900,
      }),
      reverseMaturedPurchasePosting({
        ...ref,
        settled: true,
        principalCents: 100_000,
        interestCents: 3967,
        payoutHeld: false,
        rolledOnCents: 103_900,
      }),
    ])
    for (const [account, balance] of Object.entries(balances)) {
      const capacity = account.endsWith(':authorized') || account.endsWith(':capacity')
      expect([account, balance]).toEqual([account, capacity ? 1_000_000 : 0])
    }
    expect(() =>
      reverseMaturedPurchasePosting({
        ...ref,
        settled: true,
        principalCents: 100_000,
        interestCents: 0,
        payoutHeld: false,
        rolledOnCents: 100_001,
      }),
    ).toThrow(RangeError)
  })

  test('accruals post the difference once per date and nothing when nothing is new', () => {
    const posting = accrueInterestPosting({ ...ref, accruedCents: 10, postedCents: 4 })
    expect(posting?.idempotencyKey).toBe('purchase:p1:accrued:2026-03-02')
    expect(posting?.lines).toEqual([
      { account: accounts.issuerInterestExpense('o1'), debitCents: 6 },
      { account: accounts.noteInterestPayable('p1'), creditCents: 6 },
    ])
    expect(accrueInterestPosting({ ...ref, accruedCents: 4, postedCents: 4 })).toBeNull()
    expect(() => accrueInterestPosting({ ...ref, accruedCents: 3, postedCents: 4 })).toThrow()
  })

  test('at maturity the payable is brought to what the note pays, an excess taken back', () => {
    const back = accrueInterestPosting({
      ...ref,
      accruedCents: 3,
      postedCents: 4,
      atMaturity: true,
    })
    expect(back?.kind).toBe('maturity_accrual')
    expect(back?.lines).toEqual([
      { account: accounts.noteInterestPayable('p1'), debitCents: 1 },
      { account: accounts.issuerInterestExpense('o1'), creditCents: 1 },
    ])
    expect(balancesAfter([back])).toEqual({
      [accounts.noteInterestPayable('p1')]: -1,
      [accounts.issuerInterestExpense('o1')]: -1,
    })
  })

  test('keys derive from our own rows', () => {
    expect(opened.idempotencyKey).toBe('offering:o1:opened')
    expect(reserved.idempotencyKey).toBe('purchase:p1:reserved')
    expect(sendPayoutPosting({ ...ref, principalCents: 1, interestCents: 0 }).idempotencyKey).toBe(
      'purchase:p1:payout_sent',
    )
  })

  test('refuses zero amounts', () => {
    expect(() => reservePurchasePosting({ ...ref, amountCents: 0 })).toThrow(RangeError)
    expect(() =>
      openOfferingPosting({ offeringId: 'o1', capacityCents: 0, effectiveDate }),
    ).toThrow(RangeError)
  })
})
