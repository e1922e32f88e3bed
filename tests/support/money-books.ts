import { accounts, calculateAccruedInterest, toCalendarDate, undoneStates } from '@tenor/db/domain'
import type { MoneySnapshot, PayoutRow, PurchaseRow } from './money-snapshot.ts'

// A note owes its principal until it matures (or is undone).
const owingStates: readonly string[] = ['initiated', 'pending', 'processing', 'active']
// The investor's debit is on its way to us.
const inTransitStates: readonly string[] = ['initiated', 'pending', 'processing']
// A payout credit not yet settled, nor given up.
const unpaidPayoutStates: readonly string[] = ['initiated', 'pending', 'posted']
// Money that could not reach the investor's bank, held for them.
const heldPayoutStates: readonly string[] = ['returned', 'failed']

const sum = <T>(rows: T[], amount: (row: T) => number) =>
  rows.reduce((total, row) => total + amount(row), 0)

/**
 * The books agree with the rows, account by account, as Jepsen's bank test checks that no money
 * appears or vanishes: each note owes its principal while it is held; ACH in transit is what is
 * on its way; held balances are the payouts that came back; the bank holds what settled in
 * less what was paid out; and each offering has sold exactly what its holdings add up to,
 * never more than its capacity.
 */
export function findBookProblems(snapshot: MoneySnapshot): string[] {
  const problems: string[] = []
  const balance = (code: string) => snapshot.balances.get(code) ?? 0
  const expect = (code: string, wanted: number) => {
    const actual = balance(code)
    if (actual !== wanted) problems.push(`${code} stands at ${actual}; the rows say ${wanted}`)
  }
  const { purchases, payouts } = snapshot

  for (const purchase of purchases) {
    expect(
      accounts.notePrincipal(purchase.id),
      owingStates.includes(purchase.state) ? purchase.amountCents : 0,
    )
    expect(accounts.noteInterestPayable(purchase.id), interestPayable(snapshot, purchase))
  }
  expect(
    accounts.achReceivable,
    sum(
      purchases.filter((p) => inTransitStates.includes(p.state)),
      (p) => p.amountCents,
    ),
  )
  expect(
    accounts.achPayable,
    sum(
      payouts.filter((p) => unpaidPayoutStates.includes(p.state)),
      (p) => p.amountCents,
    ),
  )
  const users = new Set([...payouts.map((p) => p.userId), ...purchases.map((p) => p.userId)])
  for (const userId of users) {
    const held = payouts.filter((p) => p.userId === userId && heldPayoutStates.includes(p.state))
    expect(
      accounts.investorHeld(userId),
      sum(held, (p) => p.amountCents),
    )
  }
  expect(accounts.fboCash, cashAtBank(purchases, payouts))

  for (const offering of snapshot.offerings) {
    const sold = purchases.filter(
      (p) => p.offeringId === offering.id && !(undoneStates as readonly string[]).includes(p.state),
    )
    const soldCents = sum(sold, (p) => p.amountCents)
    if (offering.reservedCents !== soldCents) {
      problems.push(
        `offering ${offering.id} reserves ${offering.reservedCents}; its notes ${soldCents}`,
      )
    }
    if (offering.reservedCents > offering.capacityCents) {
      problems.push(
        `offering ${offering.id} oversold: ${offering.reservedCents} of ${offering.capacityCents}`,
      )
    }
    if (soldCents > 0) expect(accounts.offeringSold(offering.id), offering.reservedCents)
  }

  return problems
}

/**
 * What a note owes in interest not yet paid: for an active note, what it had accrued by the day
 * of its latest daily accrual (each posting tops up to that figure); nothing before the first,
 * and nothing once it matured (paid or rolled over with its interest) or was undone.
 */
function interestPayable(snapshot: MoneySnapshot, purchase: PurchaseRow): number {
  if (purchase.state !== 'active' || !purchase.settledOn || !purchase.maturityDate) return 0
  const accruedOn = snapshot.postings
    .filter((p) => p.purchaseId === purchase.id && p.kind === 'interest_accrued')
    .map((p) => p.effectiveDate)
    .sort()
    .at(-1)
  const offering = snapshot.offerings.find((o) => o.id === purchase.offeringId)
  if (!accruedOn || !offering) return 0

  return calculateAccruedInterest({
    rateBps: purchase.rateBps,
    rateType: offering.rateType,
    compounding: offering.compounding,
    dayCount: offering.dayCount,
    principalCents: purchase.amountCents,
    startDate: toCalendarDate(purchase.settledOn),
    maturityDate: toCalendarDate(purchase.maturityDate),
    asOf: toCalendarDate(accruedOn),
  })
}

/**
 * Debits that settled and were not returned, less credits that settled. A credit that settled
 * and then came back is back at the bank; a rolled note never touched it.
 */
function cashAtBank(purchases: PurchaseRow[], payouts: PayoutRow[]): number {
  const debits = purchases.filter(
    (p) => p.settledOn !== null && p.rolledFromPurchaseId === null && p.state !== 'returned',
  )

  return (
    sum(debits, (p) => p.amountCents) -
    sum(
      payouts.filter((p) => p.state === 'settled'),
      (p) => p.amountCents,
    )
  )
}
