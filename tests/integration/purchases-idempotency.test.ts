import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { idempotencyKeys, purchases, users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import type { PlaidTestApp } from '../support/plaid.ts'
import {
  addBuyer,
  type Buyer,
  buy,
  type ErrorBody,
  expectLedgerClean,
  type PurchaseBody,
  readOffering,
} from '../support/purchases.ts'
import { type Offering, openScene } from '../support/scene.ts'

let t: PlaidTestApp
let offering: Offering
let ada: Buyer
beforeEach(async () => {
  ;({ t, offering, ada } = await openScene())
})
afterEach(() => t.close())

const db = () => t.db.database.db

/** Exactly one authorization and one transfer were asked of Plaid for each purchase made. */
async function expectOneDebitPerPurchase() {
  const made = await db().select({ id: purchases.id }).from(purchases)
  const authorizations = t.plaid.calls('/transfer/authorization/create')
  expect(authorizations.map((call) => call.idempotencyKey).sort()).toEqual(
    made.map((p) => p.id).sort(),
  )
  expect(t.plaid.calls('/transfer/create')).toHaveLength(made.length)
}

describe('POST /purchases with an Idempotency-Key', () => {
  test('replays the first answer for the same key and body, buying once', async () => {
    const first = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000, key: 'k-1' })
    const again = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000, key: 'k-1' })

    expect(first.status).toBe(201)
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(await again.json()).toEqual(await first.json())
    expect(await db().$count(purchases)).toBe(1)
    expect((await readOffering(t, offering.id)).reservedCents).toBe(100_000)
    await expectOneDebitPerPurchase()
    await expectLedgerClean(t)
  })

  test('replays an answer kept from before the purchase gained a field, reading it as null', async () => {
    await buy(t, ada, { offeringId: offering.id, amountCents: 100_000, key: 'k-1' })
    const [kept] = await db().select().from(idempotencyKeys)
    const { purchase } = JSON.parse(kept?.responseBody ?? '{}') as {
      purchase: Record<string, unknown>
    }
    delete purchase.earlyRepayment
    await db()
      .update(idempotencyKeys)
      .set({ responseBody: JSON.stringify({ purchase }) })
      .where(eq(idempotencyKeys.key, 'k-1'))

    const again = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000, key: 'k-1' })

    expect(again.status).toBe(201)
    expect(await again.json()).toMatchObject({ purchase: { earlyRepayment: null } })
  })

  test('refuses the same key with a different body, naming the purchase it made', async () => {
    const first = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000, key: 'k-1' })
    const { purchase } = (await first.json()) as PurchaseBody
    const changed = await buy(t, ada, { offeringId: offering.id, amountCents: 200_000, key: 'k-1' })

    expect(changed.status).toBe(422)
    const { error } = (await changed.json()) as ErrorBody & { error: { purchaseId?: string } }
    expect(error.code).toBe('idempotency_key_reused')
    expect(error.purchaseId).toBe(purchase.id)
    expect(await db().$count(purchases)).toBe(1)
  })

  test('concurrent duplicates make one purchase; the rest replay it or hear 409', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        buy(t, ada, { offeringId: offering.id, amountCents: 100_000, key: 'same-key' }),
      ),
    )
    const statuses = answers.map((res) => res.status)
    const bodies = await Promise.all(answers.map((res) => res.json()))

    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1)
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true)
    const created = bodies.filter((_, i) => statuses[i] === 201) as PurchaseBody[]
    expect(new Set(created.map((b) => b.purchase.id)).size).toBe(1)
    for (const body of bodies.filter((_, i) => statuses[i] === 409) as ErrorBody[]) {
      expect(body.error.code).toBe('idempotency_key_in_use')
    }
    expect(await db().$count(purchases)).toBe(1)
    expect((await readOffering(t, offering.id)).reservedCents).toBe(100_000)
    await expectOneDebitPerPurchase()
  })

  test('stores nothing for a refused request, so the key works once the refusal is fixed', async () => {
    await db().update(users).set({ kycStatus: 'submitted' }).where(eq(users.id, ada.userId))
    const refused = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000, key: 'k-1' })
    expect(refused.status).toBe(403)
    expect(await db().$count(idempotencyKeys)).toBe(0)

    await db().update(users).set({ kycStatus: 'approved' }).where(eq(users.id, ada.userId))
    const bought = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000, key: 'k-1' })
    expect(bought.status).toBe(201)
  })

  test('keys belong to one investor: two investors may use the same key', async () => {
    const eve = await addBuyer(t, 'eve@example.com')
    const mine = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000, key: 'shared' })
    const theirs = await buy(t, eve, {
      offeringId: offering.id,
      amountCents: 100_000,
      key: 'shared',
    })

    expect([mine.status, theirs.status]).toEqual([201, 201])
    expect(await db().$count(purchases)).toBe(2)
    await expectOneDebitPerPurchase()
  })

  test('a key older than 24 hours is forgotten and starts a new purchase', async () => {
    await buy(t, ada, { offeringId: offering.id, amountCents: 100_000, key: 'k-1' })
    await db()
      .update(idempotencyKeys)
      .set({ expiresAt: new Date(t.clock.now().getTime() - 1) })
    const later = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000, key: 'k-1' })

    expect(later.status).toBe(201)
    expect(later.headers.get('idempotent-replayed')).toBeNull()
    expect(await db().$count(purchases)).toBe(2)
  })
})
