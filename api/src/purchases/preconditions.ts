import { type CalendarDate, formatBasisPoints } from '@tenor/db/domain'
import { bankAccounts, offerings, plaidItems } from '@tenor/db/schema'
import { and, eq, ne } from 'drizzle-orm'
import type { SessionUser } from '../context.ts'
import { ApiError, emailNotVerified, unauthorized } from '../lib/errors.ts'
import { canFund, type FundableAccount, type FundableItem } from '../plaid/account-use.ts'
import {
  checkPurchaseAmount,
  formatUsd,
  quotePayout,
} from '../routes/offerings/offerings.amounts.ts'
import type { PurchaseDeps } from './deps.ts'
import type { OfferingRow } from './records.ts'

export interface PurchaseRequest {
  offeringId: string
  bankAccountId: string
  amountCents: number
  /** The rate the investor was shown; a purchase at another is refused. */
  rateBps?: number
  consent: true
}

/** The account a purchase is paid from, as its debit authorization names it. */
export interface FundingAccount {
  name: string
  mask: string | null
  institutionName: string | null
}

/** Open for purchase: status open and the business date within the window, both ends included. */
export function isOpenForPurchase(
  offering: Pick<OfferingRow, 'status' | 'opensOn' | 'closesOn'>,
  today: CalendarDate,
): boolean {
  return offering.status === 'open' && offering.opensOn <= today && today <= offering.closesOn
}

const offeringClosed = () =>
  new ApiError(409, 'offering_closed', 'This offering is not open for purchase.')

/** The rate changed after the investor saw it: they review the new terms before buying. */
export const rateChanged = (shownBps: number, nowBps: number) =>
  new ApiError(
    409,
    'rate_changed',
    `The rate of this offering changed from ${formatBasisPoints(shownBps)} to ${formatBasisPoints(nowBps)} after you reviewed it. Review the new terms, then buy.`,
  )

/**
 * Everything a purchase needs before anything is written, each refused with its own code: a
 * verified email, approved KYC, an open offering, an amount it accepts, and the buyer's own
 * account that can fund an ACH debit. Capacity is decided later, by the reservation itself.
 * Answers the offering and the account, as the debit's authorization names them.
 */
export async function checkPurchaseRequest(
  deps: PurchaseDeps,
  user: SessionUser,
  request: PurchaseRequest,
  today: CalendarDate,
): Promise<{ offering: OfferingRow; account: FundingAccount }> {
  checkBuyer(user)

  const offering = await deps.database.db.query.offerings.findFirst({
    where: and(eq(offerings.id, request.offeringId), ne(offerings.status, 'draft')),
  })
  if (!offering) throw new ApiError(422, 'offering_not_found', 'There is no such offering.')
  if (!isOpenForPurchase(offering, today)) throw offeringClosed()
  if (request.rateBps !== undefined && request.rateBps !== offering.rateBps) {
    throw rateChanged(request.rateBps, offering.rateBps)
  }

  const problem =
    checkPurchaseAmount(offering, request.amountCents) ??
    payoutProblem(offering, request.amountCents, today)
  if (problem) {
    throw new ApiError(422, 'validation_failed', 'Some fields are missing or invalid.', {
      issues: [{ path: 'amountCents', message: problem }],
    })
  }

  const account = await checkFundingAccount(deps, user.id, request.bankAccountId)

  return { offering, account }
}

/** Why the payout of a note bought today cannot be worked out, or null: the preview's words. */
function payoutProblem(offering: OfferingRow, amountCents: number, today: CalendarDate) {
  const quote = quotePayout(offering, amountCents, today)

  return quote.ok ? null : quote.problem
}

/**
 * Throws why this buyer cannot buy: checked on the session's view when the request arrives,
 * and on the database's again in the reservation's transaction (a buyer disabled or a KYC
 * approval withdrawn meanwhile buys nothing).
 */
export function checkBuyer(buyer: {
  status?: string
  emailVerified: boolean
  kycStatus: string
}): void {
  // A disabled account's sessions end with it; a request already past that check meets this.
  if (buyer.status !== undefined && buyer.status !== 'active') throw unauthorized()
  if (!buyer.emailVerified) throw emailNotVerified('Confirm your email address before buying.')
  if (buyer.kycStatus !== 'approved') {
    throw new ApiError(
      403,
      'kyc_not_approved',
      'Your identity check must be approved before you can buy notes.',
    )
  }
}

/**
 * Throws why an account cannot fund a purchase; `found` is undefined for an account that is
 * not the buyer's. Checked before the reservation and again inside it (an account unlinked
 * meanwhile funds nothing).
 */
export function checkFunding<T extends { account: FundableAccount; item: FundableItem }>(
  found: T | undefined,
): asserts found is T {
  // Another investor's account answers exactly as a missing one.
  if (!found || found.account.status === 'removed' || found.item.status === 'removed') {
    throw new ApiError(422, 'bank_account_not_found', 'There is no such bank account.')
  }
  if (found.item.status === 'needs_reconnect') {
    throw new ApiError(
      409,
      'bank_reconnect_required',
      'Your bank needs you to sign in again. Reconnect it, then buy.',
    )
  }
  if (!canFund(found.account, found.item)) {
    throw new ApiError(
      409,
      'bank_account_unusable',
      'This bank account cannot fund purchases. Choose a checking or savings account in good standing.',
    )
  }
}

async function checkFundingAccount(
  deps: PurchaseDeps,
  userId: string,
  accountId: string,
): Promise<FundingAccount> {
  const found = await deps.database.db
    .select({ account: bankAccounts, item: plaidItems })
    .from(bankAccounts)
    .innerJoin(plaidItems, eq(plaidItems.id, bankAccounts.itemId))
    .where(and(eq(bankAccounts.id, accountId), eq(bankAccounts.userId, userId)))
    .get()
  checkFunding(found)

  return {
    name: found.account.name,
    mask: found.account.mask,
    institutionName: found.item.institutionName,
  }
}

/**
 * Why a reservation found no room, read after the conditional update refused it: the offering
 * closed meanwhile, it is sold out, or it has less left than asked.
 */
export function capacityRefusal(
  offering: OfferingRow,
  amountCents: number,
  today: CalendarDate,
): ApiError {
  if (!isOpenForPurchase(offering, today)) return offeringClosed()

  const remainingCents = offering.capacityCents - offering.reservedCents
  if (remainingCents < offering.minPurchaseCents) {
    return new ApiError(409, 'sold_out', 'This offering is sold out.', { remainingCents })
  }

  return new ApiError(
    409,
    'insufficient_capacity',
    `Only ${formatUsd(remainingCents)} of this offering is left; ${formatUsd(amountCents)} is more than that.`,
    { remainingCents },
  )
}
