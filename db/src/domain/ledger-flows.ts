import type { CalendarDate } from './dates.ts'
import { accounts } from './ledger-accounts.ts'
import type { LedgerLine, LedgerPosting } from './ledger-postings.ts'
import { assertCents } from './terms.ts'

/**
 * The posting rule for each money flow (money.md §3.3). Each builder answers the posting to
 * hand to `postTransaction`, with an idempotency key derived from our own rows, so running a
 * step twice posts once. Amounts are whole cents above zero.
 */

interface PurchaseRef {
  purchaseId: string
  offeringId: string
  userId: string
  effectiveDate: CalendarDate
}

const transfer = (from: string, to: string, cents: number): LedgerLine[] => [
  { account: from, debitCents: cents },
  { account: to, creditCents: cents },
]

const refsOf = ({ purchaseId, offeringId, userId }: PurchaseRef) => ({
  purchaseId,
  offeringId,
  userId,
})

function assertPositive(cents: number, what: string): void {
  assertCents(cents, what)
  if (cents === 0) throw new RangeError(`${what} must be above zero`)
}

/** The key of an offering's opening posting: an offering enters the ledger once. */
export const offeringOpenedKey = (offeringId: string): string => `offering:${offeringId}:opened`

/** Opening an offering: the raise size becomes capacity that purchases draw down. */
export function openOfferingPosting(input: {
  offeringId: string
  capacityCents: number
  effectiveDate: CalendarDate
}): LedgerPosting {
  assertPositive(input.capacityCents, 'A capacity')

  return {
    kind: 'offering_opened',
    idempotencyKey: offeringOpenedKey(input.offeringId),
    effectiveDate: input.effectiveDate,
    refs: { offeringId: input.offeringId },
    lines: transfer(
      accounts.offeringAuthorized(input.offeringId),
      accounts.offeringCapacity(input.offeringId),
      input.capacityCents,
    ),
  }
}

/**
 * A purchase accepted and its ACH debit sent: capacity moves to sold, and the note's principal
 * is owed against money in transit.
 */
export function reservePurchasePosting(
  input: PurchaseRef & { amountCents: number },
): LedgerPosting {
  assertPositive(input.amountCents, 'A purchase amount')

  return {
    kind: 'purchase_reserved',
    idempotencyKey: `purchase:${input.purchaseId}:reserved`,
    effectiveDate: input.effectiveDate,
    refs: refsOf(input),
    lines: [
      ...transfer(
        accounts.offeringCapacity(input.offeringId),
        accounts.offeringSold(input.offeringId),
        input.amountCents,
      ),
      ...transfer(
        accounts.achReceivable,
        accounts.notePrincipal(input.purchaseId),
        input.amountCents,
      ),
    ],
  }
}

/** The investor's ACH debit settled: the money in transit is now at our bank. */
export function settlePurchasePosting(input: PurchaseRef & { amountCents: number }): LedgerPosting {
  assertPositive(input.amountCents, 'A purchase amount')

  return {
    kind: 'purchase_settled',
    idempotencyKey: `purchase:${input.purchaseId}:settled`,
    effectiveDate: input.effectiveDate,
    refs: refsOf(input),
    lines: transfer(accounts.fboCash, accounts.achReceivable, input.amountCents),
  }
}

/**
 * Where the money that paid for a note came from, for its reversal to take it back to: the
 * investor's debit, in transit or (`settled`) at our bank, or the note it was rolled over from
 * (`rolledFromPurchaseId`), whose own reversal follows in the same database transaction.
 */
type FundedBy =
  | { settled: boolean; rolledFromPurchaseId?: undefined }
  | { rolledFromPurchaseId: string }

const fundingAccountOf = (funded: FundedBy): string =>
  funded.rolledFromPurchaseId !== undefined
    ? accounts.notePrincipal(funded.rolledFromPurchaseId)
    : funded.settled
      ? accounts.fboCash
      : accounts.achReceivable

/**
 * A purchase undone (ACH return, failure or cancellation, or the debit of the note it was rolled
 * from coming back): capacity goes back to the offering, the principal is no longer owed, and
 * so is any interest already accrued. The principal goes back where it came from (`FundedBy`):
 * a return after settlement takes it from our bank.
 */
export function reversePurchasePosting(
  input: PurchaseRef &
    FundedBy & {
      amountCents: number
      accruedInterestCents?: number
      memo?: string
    },
): LedgerPosting {
  assertPositive(input.amountCents, 'A purchase amount')
  const accrued = input.accruedInterestCents ?? 0
  assertCents(accrued, 'Accrued interest')

  const lines = transfer(
    accounts.notePrincipal(input.purchaseId),
    fundingAccountOf(input),
    input.amountCents,
  )
  if (accrued > 0) {
    lines.push(
      ...transfer(
        accounts.noteInterestPayable(input.purchaseId),
        accounts.issuerInterestExpense(input.offeringId),
        accrued,
      ),
    )
  }

  return purchaseReversal(input, input.amountCents, lines)
}

/**
 * A matured note undone because the debit that paid for it (or for the note it was rolled over
 * from) came back after it matured, its payout never sent: the bank took the principal back out
 * of our account, so the payout (in ACH payable, or in the investor's held balance if a credit
 * came back) is no longer owed, its interest goes back to the issuer and its principal to the
 * offering's capacity. What it rolled into a new note (`rolledOnCents`) comes back from its
 * principal account, where that note's reversal, posted first, returned it; a note bought by a
 * rollover gives its principal back to the note it came from. It is the purchase's reversal
 * (same key), so no purchase is reversed twice, by either path.
 */
export function reverseMaturedPurchasePosting(
  input: PurchaseRef &
    FundedBy & {
      principalCents: number
      interestCents: number
      /** Where the payout's money is: held for the investor after a credit came back, or not sent. */
      payoutHeld: boolean
      rolledOnCents?: number
      memo?: string
    },
): LedgerPosting {
  assertPositive(input.principalCents, 'A principal')
  assertCents(input.interestCents, 'Interest')
  const rolledOn = input.rolledOnCents ?? 0
  assertCents(rolledOn, 'A rolled amount')
  const payoutCents = input.principalCents + input.interestCents - rolledOn
  if (payoutCents < 0) throw new RangeError('A note cannot roll over more than it pays')

  const lines: LedgerLine[] = []
  if (payoutCents > 0) {
    lines.push({
      account: input.payoutHeld ? accounts.investorHeld(input.userId) : accounts.achPayable,
      debitCents: payoutCents,
    })
  }
  if (rolledOn > 0) {
    lines.push({ account: accounts.notePrincipal(input.purchaseId), debitCents: rolledOn })
  }
  lines.push({ account: fundingAccountOf(input), creditCents: input.principalCents })
  if (input.interestCents > 0) {
    lines.push({
      account: accounts.issuerInterestExpense(input.offeringId),
      creditCents: input.interestCents,
    })
  }

  return purchaseReversal(input, input.principalCents, lines)
}

/**
 * A purchase's one reversal, whichever path undoes it: its capacity (`soldCents`) back to the
 * offering, with the lines that take its money back.
 */
function purchaseReversal(
  input: PurchaseRef & { memo?: string },
  soldCents: number,
  lines: LedgerLine[],
): LedgerPosting {
  return {
    kind: 'purchase_reversed',
    idempotencyKey: `purchase:${input.purchaseId}:reversed`,
    effectiveDate: input.effectiveDate,
    memo: input.memo,
    refs: refsOf(input),
    lines: [
      ...transfer(
        accounts.offeringSold(input.offeringId),
        accounts.offeringCapacity(input.offeringId),
        soldCents,
      ),
      ...lines,
    ],
  }
}

/**
 * Interest accrued up to a date: posts the difference between what has accrued by then
 * (`calculateAccruedInterest`) and what is already posted, never a rounded daily amount
 * (money.md §2.4). At maturity, `accruedCents` is `calculateInterest` and the kind is
 * `maturity_accrual`: it brings the note's interest payable to exactly what the note pays, and
 * so takes back any excess, which only a maturity date brought before days already accrued can
 * leave (a refund after a clock set back, in development). Before maturity accrued interest
 * never falls, and a fall is refused. Answers null when there is nothing new to post.
 */
export function accrueInterestPosting(
  input: PurchaseRef & { accruedCents: number; postedCents: number; atMaturity?: boolean },
): LedgerPosting | null {
  assertCents(input.accruedCents, 'Accrued interest')
  assertCents(input.postedCents, 'Posted interest')
  if (input.accruedCents < input.postedCents && !input.atMaturity) {
    throw new RangeError(
      `Accrued interest never falls: ${input.accruedCents} is below the ${input.postedCents} posted`,
    )
  }
  if (input.accruedCents === input.postedCents) return null

  const key = input.atMaturity ? 'maturity_accrual' : `accrued:${input.effectiveDate}`
  const expense = accounts.issuerInterestExpense(input.offeringId)
  const payable = accounts.noteInterestPayable(input.purchaseId)
  const difference = input.accruedCents - input.postedCents

  return {
    kind: input.atMaturity ? 'maturity_accrual' : 'interest_accrued',
    idempotencyKey: `purchase:${input.purchaseId}:${key}`,
    effectiveDate: input.effectiveDate,
    refs: refsOf(input),
    lines:
      difference > 0
        ? transfer(expense, payable, difference)
        : transfer(payable, expense, -difference),
  }
}

/** The maturity payout sent by ACH credit: principal and interest leave the note. */
export function sendPayoutPosting(
  input: PurchaseRef & { principalCents: number; interestCents: number },
): LedgerPosting {
  assertPositive(input.principalCents, 'A principal')
  assertCents(input.interestCents, 'Interest')

  const lines: LedgerLine[] = [
    { account: accounts.notePrincipal(input.purchaseId), debitCents: input.principalCents },
  ]
  if (input.interestCents > 0) {
    lines.push({
      account: accounts.noteInterestPayable(input.purchaseId),
      debitCents: input.interestCents,
    })
  }
  lines.push({
    account: accounts.achPayable,
    creditCents: input.principalCents + input.interestCents,
  })

  return {
    kind: 'payout_sent',
    idempotencyKey: `purchase:${input.purchaseId}:payout_sent`,
    effectiveDate: input.effectiveDate,
    refs: refsOf(input),
    lines,
  }
}

/**
 * The round of a payout's sending, in its posting keys: none the first time, `:{n}` for the
 * n-th time the money is sent again from the investor's held balance.
 */
const roundSuffix = (round = 0): string => (round > 0 ? `:${round}` : '')

/** The payout's ACH credit settled: the money has left our bank. */
export function settlePayoutPosting(
  input: PurchaseRef & { amountCents: number; round?: number },
): LedgerPosting {
  assertPositive(input.amountCents, 'A payout')

  return {
    kind: 'payout_settled',
    idempotencyKey: `purchase:${input.purchaseId}:payout_settled${roundSuffix(input.round)}`,
    effectiveDate: input.effectiveDate,
    refs: refsOf(input),
    lines: transfer(accounts.achPayable, accounts.fboCash, input.amountCents),
  }
}

/**
 * The payout came back (for example R02, account closed): the money is held for the investor
 * until they give new bank details. `settled` says whether it had left our bank.
 */
export function returnPayoutPosting(
  input: PurchaseRef & { amountCents: number; settled: boolean; memo?: string; round?: number },
): LedgerPosting {
  assertPositive(input.amountCents, 'A payout')

  return {
    kind: 'payout_returned',
    idempotencyKey: `purchase:${input.purchaseId}:payout_returned${roundSuffix(input.round)}`,
    effectiveDate: input.effectiveDate,
    memo: input.memo,
    refs: refsOf(input),
    lines: transfer(
      input.settled ? accounts.fboCash : accounts.achPayable,
      accounts.investorHeld(input.userId),
      input.amountCents,
    ),
  }
}

/**
 * Held money sent again, to an account the investor linked after it came back: it leaves the
 * held balance for ACH payable, as the first sending did. `round` counts from 1.
 */
export function resendPayoutPosting(
  input: PurchaseRef & { amountCents: number; round: number },
): LedgerPosting {
  assertPositive(input.amountCents, 'A payout')
  if (!Number.isInteger(input.round) || input.round < 1) {
    throw new RangeError(`A resend round must be a whole number from 1, not ${input.round}`)
  }

  return {
    kind: 'payout_resent',
    idempotencyKey: `purchase:${input.purchaseId}:payout_resent${roundSuffix(input.round)}`,
    effectiveDate: input.effectiveDate,
    refs: refsOf(input),
    lines: transfer(accounts.investorHeld(input.userId), accounts.achPayable, input.amountCents),
  }
}

/**
 * A matured note rolled into a new one with no ACH: `rolledCents` (the principal, or the
 * principal and interest) becomes the new note's principal and draws on the new offering's
 * capacity; any rest is sent as a payout.
 */
export function rolloverPosting(input: {
  from: PurchaseRef
  toPurchaseId: string
  toOfferingId: string
  principalCents: number
  interestCents: number
  rolledCents: number
}): LedgerPosting {
  const { from, principalCents, interestCents, rolledCents } = input
  assertPositive(principalCents, 'A principal')
  assertCents(interestCents, 'Interest')
  assertPositive(rolledCents, 'A rolled amount')
  const rest = principalCents + interestCents - rolledCents
  if (rest < 0) throw new RangeError('A rollover cannot move more than the note pays')

  const lines: LedgerLine[] = [
    { account: accounts.notePrincipal(from.purchaseId), debitCents: principalCents },
  ]
  if (interestCents > 0) {
    lines.push({
      account: accounts.noteInterestPayable(from.purchaseId),
      debitCents: interestCents,
    })
  }
  lines.push({ account: accounts.notePrincipal(input.toPurchaseId), creditCents: rolledCents })
  if (rest > 0) lines.push({ account: accounts.achPayable, creditCents: rest })
  lines.push(
    ...transfer(
      accounts.offeringCapacity(input.toOfferingId),
      accounts.offeringSold(input.toOfferingId),
      rolledCents,
    ),
  )

  return {
    kind: 'rollover',
    idempotencyKey: `purchase:${from.purchaseId}:rollover`,
    effectiveDate: from.effectiveDate,
    refs: refsOf(from),
    lines,
  }
}
