import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { encrypt } from '@tenor/api/lib/crypto'
import { createSession } from '@tenor/api/lib/sessions'
import { openAccessToken } from '@tenor/api/plaid/banks'
import { newId } from '@tenor/db'
import { accountBalance, accounts } from '@tenor/db/domain'
import { bankAccounts, plaidItems, purchases, users } from '@tenor/db/schema'
import { createPlaidTestApp, type PlaidTestApp } from '../support/plaid.ts'
import {
  addBuyer,
  addOffering,
  type Buyer,
  buy,
  type ErrorBody,
  expectLedgerClean,
  readOffering,
} from '../support/purchases.ts'

const buyers = 200
const amountCents = 100_000
const room = 50

let t: PlaidTestApp

beforeAll(async () => {
  t = await createPlaidTestApp()
})
afterAll(() => t.close())

/**
 * Investors written straight to the database, each with a session and their own bank row:
 * registering 200 users through the API would spend most of the test hashing passwords. The
 * rows share one real Sandbox item, which Plaid only knows by its access token.
 */
async function addInvestors(count: number): Promise<Buyer[]> {
  const template = await addBuyer(t, 'template@example.com')
  const db = t.db.database.db
  const item = await db.query.plaidItems.findFirst()
  const account = await db.query.bankAccounts.findFirst({
    where: (a, { eq }) => eq(a.id, template.bankAccountId),
  })
  if (!item || !account) throw new Error('template bank missing')
  const accessToken = openAccessToken(item, t.deps.env.encryptionKeys)
  const now = t.clock.now()

  const investors: Buyer[] = []
  for (let i = 0; i < count; i++) {
    const userId = newId()
    const email = `buyer-${i}@example.com`
    const plaidItemId = `item-buyer-${i}`
    await db.insert(users).values({
      id: userId,
      email,
      emailVerifiedAt: now,
      passwordHash: 'unused: this investor signs in by session only',
      legalName: `Buyer ${i}`,
      kycStatus: 'approved',
    })
    const itemId = newId()
    await db.insert(plaidItems).values({
      ...item,
      id: itemId,
      userId,
      plaidItemId,
      accessToken: encrypt(accessToken, t.deps.env.encryptionKeys, `plaid-item:${plaidItemId}`),
    })
    const bankAccountId = newId()
    await db.insert(bankAccounts).values({ ...account, id: bankAccountId, itemId, userId })
    const { token } = await createSession(t.db.database, t.deps.env.sessionKeys, {
      userId,
      twoFactorVerified: false,
      userAgent: null,
      now,
    })
    investors.push({ token, userId, email, bankAccountId })
  }

  return investors
}

describe('POST /purchases under contention', () => {
  test('200 buyers at once on room for 50 make exactly 50 purchases and never oversell', async () => {
    const offering = await addOffering(t, {
      capacityCents: room * amountCents,
      minPurchaseCents: amountCents,
      maxPurchaseCents: amountCents,
    })
    const investors = await addInvestors(buyers)

    const answers = await Promise.all(
      investors.map((investor) => buy(t, investor, { offeringId: offering.id, amountCents })),
    )
    const statuses = answers.map((res) => res.status)
    const refusals = (await Promise.all(
      answers.filter((res) => res.status !== 201).map((res) => res.json()),
    )) as ErrorBody[]

    expect(statuses.filter((s) => s === 201)).toHaveLength(room)
    expect(statuses.filter((s) => s >= 500)).toEqual([])
    expect(new Set(refusals.map((r) => r.error.code))).toEqual(new Set(['sold_out']))
    expect(await t.db.database.db.$count(purchases)).toBe(room)
    const after = await readOffering(t, offering.id)
    expect(after.reservedCents).toBe(after.capacityCents)
    const db = t.db.database.db
    expect(await accountBalance(db, accounts.offeringSold(offering.id))).toBe(room * amountCents)
    expect(await accountBalance(db, accounts.offeringCapacity(offering.id))).toBe(0)
    expect(t.plaid.calls('/transfer/authorization/create')).toHaveLength(room)
    expect(t.plaid.calls('/transfer/create')).toHaveLength(room)
    await expectLedgerClean(t)
  }, 60_000)
})
