import { expect } from 'bun:test'
import { newId } from '@tenor/db'
import { checkLedger } from '@tenor/db/domain'
import { bankAccounts, offerings, purchases } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import type { TransferEventType } from 'plaid'
import { createPlaidClient } from '../standins/plaid/testing.ts'
import type { PlaidTestApp } from './plaid.ts'
import { signUp } from './users.ts'

// The test clock starts at 2026-03-02T15:00:00Z: 10:00 on Monday, March 2 in New York.
export const today = '2026-03-02'

type OfferingInput = typeof offerings.$inferInsert

/**
 * An open six-month note at 8% simple, Actual/365F. Amounts go up from $1.00 in whole cents,
 * so Plaid's magic amounts ($11.11, $22.22, …) are valid purchases.
 */
export async function addOffering(t: PlaidTestApp, overrides: Partial<OfferingInput> = {}) {
  const row: OfferingInput = {
    id: newId(),
    slug: `note-${newId()}`,
    name: 'Tenor Note Series A',
    issuer: 'Tenor Funding I LLC',
    description: 'A note paying simple interest at maturity.',
    rateBps: 800,
    rateType: 'simple',
    compounding: null,
    dayCount: 'act_365f',
    termMonths: 6,
    capacityCents: 10_000_000,
    minPurchaseCents: 100,
    maxPurchaseCents: 2_500_000,
    incrementCents: 1,
    opensOn: '2026-02-15',
    closesOn: '2026-03-31',
    status: 'open',
    ...overrides,
  }
  await t.db.database.db.insert(offerings).values(row)

  return row
}

export interface Buyer {
  token: string
  userId: string
  email: string
  bankAccountId: string
}

/** A verified, KYC-approved investor with a linked bank; `balance` links a custom account. */
export async function addBuyer(
  t: PlaidTestApp,
  email: string,
  options: { kycApproved?: boolean; balanceDollars?: number } = {},
): Promise<Buyer> {
  const { token, userId } = await signUp(t, email, { kycApproved: options.kycApproved ?? true })
  const linked =
    options.balanceDollars === undefined
      ? await t.linkBank(token)
      : await linkCustomBank(t, token, options.balanceDollars)
  expect(linked.status).toBe(201)
  const { bank } = (await linked.json()) as {
    bank: { accounts: { id: string; subtype: string | null; canFund: boolean }[] }
  }
  const account = bank.accounts.find((a) => a.subtype === 'checking' && a.canFund)
  if (!account) throw new Error('no checking account linked')

  return { token, userId, email, bankAccountId: account.id }
}

/** Links a Sandbox custom user whose one checking account holds exactly `dollars`. */
async function linkCustomBank(t: PlaidTestApp, token: string, dollars: number) {
  const created = await t.request('/banks/link-token', { json: {}, token })
  const { linkToken } = (await created.json()) as { linkToken: string }
  const completed = await t.request('/dev/plaid/link', {
    json: {
      linkToken,
      institutionId: 'ins_109509',
      username: 'user_custom',
      password: JSON.stringify({ override_accounts: [{ starting_balance: dollars }] }),
    },
  })
  const link = (await completed.json()) as {
    publicToken: string
    institution: { id: string }
    accounts: { name: string; mask: string | null }[]
  }

  return t.request('/banks', {
    json: {
      publicToken: link.publicToken,
      institutionId: link.institution.id,
      accounts: link.accounts,
    },
    token,
  })
}

export interface PurchaseBody {
  purchase: {
    id: string
    state: string
    amountCents: number
    settledOn: string | null
    maturityDate: string | null
    failure: { code: string | null; reason: string } | null
    payout: { interestCents: number; totalCents: number; estimated: boolean } | null
    history: { from: string | null; to: string; reason: string }[]
  }
}

export interface ErrorBody {
  error: { code: string; message: string; requestId: string; purchaseId?: string }
}

/** POST /purchases with an idempotency key (a fresh one unless given). */
export function buy(
  t: PlaidTestApp,
  buyer: Pick<Buyer, 'token' | 'bankAccountId'>,
  input: { offeringId: string; amountCents: number; key?: string },
) {
  return t.request('/purchases', {
    json: {
      offeringId: input.offeringId,
      bankAccountId: buyer.bankAccountId,
      amountCents: input.amountCents,
      consent: true,
    },
    token: buyer.token,
    headers: { 'idempotency-key': input.key ?? crypto.randomUUID() },
  })
}

export async function readPurchase(t: PlaidTestApp, id: string) {
  const row = await t.db.database.db.query.purchases.findFirst({ where: eq(purchases.id, id) })
  if (!row) throw new Error(`no purchase ${id}`)

  return row
}

export async function readOffering(t: PlaidTestApp, id: string) {
  const row = await t.db.database.db.query.offerings.findFirst({ where: eq(offerings.id, id) })
  if (!row) throw new Error(`no offering ${id}`)

  return row
}

export async function readBankAccount(t: PlaidTestApp, id: string) {
  const row = await t.db.database.db.query.bankAccounts.findFirst({
    where: eq(bankAccounts.id, id),
  })
  if (!row) throw new Error(`no bank account ${id}`)

  return row
}

/** Moves a transfer at the stand-in, as Plaid's Sandbox does, without a webhook. */
export async function simulateTransfer(
  t: PlaidTestApp,
  transferId: string,
  eventType: `${TransferEventType}`,
  failureCode?: string,
): Promise<void> {
  const sdk = createPlaidClient(t.plaid.url)
  await sdk.sandboxTransferSimulate({
    transfer_id: transferId,
    event_type: eventType,
    ...(failureCode ? { failure_reason: { failure_code: failureCode } } : {}),
  })
}

/** Every ledger invariant holds. */
export async function expectLedgerClean(t: PlaidTestApp): Promise<void> {
  expect(await checkLedger(t.db.database.db)).toEqual([])
}

/** Polls until `check` holds, for work that follows a webhook. */
export async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return
    await Bun.sleep(20)
  }
  throw new Error(`timed out waiting for ${what}`)
}
