import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { rateLimitRules } from '@tenor/api/lib/rate-limit-rules'
import { DatabaseRateLimitStore } from '@tenor/api/lib/rate-limit-store'
import { purchases } from '@tenor/db/schema'
import { createPlaidTestApp, type PlaidTestApp } from '../support/plaid.ts'
import { addBuyer, addOffering, type Buyer, buy, type ErrorBody } from '../support/purchases.ts'

const rule = rateLimitRules.purchaseByUser

let t: PlaidTestApp
let offering: Awaited<ReturnType<typeof addOffering>>
let ada: Buyer

beforeEach(async () => {
  t = await createPlaidTestApp()
  offering = await addOffering(t)
  ada = await addBuyer(t, 'ada@example.com')
})
afterEach(() => t.close())

/** Spends `hits` of a buyer's purchase quota, as that many earlier purchases would have. */
async function spendQuota(buyer: Pick<Buyer, 'userId'>, hits: number) {
  const store = new DatabaseRateLimitStore(
    t.deps.database,
    t.deps.wallClock,
    rule.name,
    rule.windowMs,
  )
  for (let i = 0; i < hits; i++) await store.increment(buyer.userId)
}

describe('POST /purchases rate limit', () => {
  test('refused purchases do not spend the quota', async () => {
    const soldOut = await addOffering(t, { capacityCents: 100_000, reservedCents: 100_000 })
    for (let i = 0; i <= rule.limit; i++) {
      const tooBig = await buy(t, ada, { offeringId: offering.id, amountCents: 90_000_000 })
      expect(tooBig.status).toBe(422)
      const none = await buy(t, ada, { offeringId: soldOut.id, amountCents: 100_000 })
      expect(((await none.json()) as ErrorBody).error.code).toBe('sold_out')
    }

    const bought = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    expect(bought.status).toBe(201)
  })

  test('a purchase refused with 429 spends none of the quota either', async () => {
    await spendQuota(ada, rule.limit)
    for (let i = 0; i < 3; i++) {
      const refused = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
      expect(refused.status).toBe(429)
    }
    const store = new DatabaseRateLimitStore(
      t.deps.database,
      t.deps.wallClock,
      rule.name,
      rule.windowMs,
    )
    // Still exactly the purchases made: one given back lets exactly one more through.
    await store.decrement(ada.userId)
    expect((await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })).status).toBe(201)
    expect((await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })).status).toBe(429)
  })

  test('replays of a stored answer do not spend the quota', async () => {
    const first = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000, key: 'k-1' })
    expect(first.status).toBe(201)
    for (let i = 0; i <= rule.limit; i++) {
      const again = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000, key: 'k-1' })
      expect(again.status).toBe(201)
      expect(again.headers.get('idempotent-replayed')).toBe('true')
    }

    const next = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    expect(next.status).toBe(201)
    expect(await t.db.database.db.$count(purchases)).toBe(2)
  })

  test('a replay gets its stored answer even when the quota is spent', async () => {
    const first = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000, key: 'k-1' })
    await spendQuota(ada, rule.limit)

    const again = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000, key: 'k-1' })
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(await again.json()).toEqual(await first.json())
    const fresh = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    expect(fresh.status).toBe(429)
  })

  test('a purchase the bank declines spends the quota: it was made and asked of Plaid', async () => {
    const poor = await addBuyer(t, 'poor@example.com', { balanceDollars: 50 })
    await spendQuota(poor, rule.limit - 1)

    const declined = await buy(t, poor, { offeringId: offering.id, amountCents: 10_000 })
    expect(declined.status).toBe(402)
    const next = await buy(t, poor, { offeringId: offering.id, amountCents: 1_000 })
    expect(next.status).toBe(429)
  })
})
