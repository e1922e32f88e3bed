import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { payoutSendConcurrency } from '@tenor/api/maturities/due'
import { newId } from '@tenor/db'
import {
  calculateMaturityDate,
  checkLedger,
  openOfferingPosting,
  postTransaction,
  reservePurchasePosting,
  settlePurchasePosting,
  toCalendarDate,
} from '@tenor/db/domain'
import { offerings, payouts, purchases } from '@tenor/db/schema'
import { count, eq } from 'drizzle-orm'
import { creditsAtPlaid, runWorkerJob } from '../support/maturities.ts'
import { createPlaidTestApp, type PlaidTestApp } from '../support/plaid.ts'
import { addBuyer, addOffering, type Buyer, today } from '../support/purchases.ts'

let t: PlaidTestApp
beforeEach(async () => {
  t = await createPlaidTestApp()
})
afterEach(() => t.close())

// More than one page of the job's paging (200), so the run crosses a page boundary.
const holdingCount = 240

/**
 * Active six-month notes settled today, written straight to the database with the postings a
 * settled purchase has, so a test can have more holdings than it could buy one by one.
 */
async function addDueHoldings(buyers: Buyer[]): Promise<string[]> {
  const offering = await addOffering(t, { capacityCents: holdingCount * 20_000 })
  const settledOn = toCalendarDate(today)
  const ids: string[] = []
  let reservedCents = 0
  await t.db.database.write(async (tx) => {
    await postTransaction(
      tx,
      openOfferingPosting({
        offeringId: offering.id,
        capacityCents: offering.capacityCents,
        effectiveDate: toCalendarDate(offering.opensOn),
      }),
    )
    for (let i = 0; i < holdingCount; i++) {
      const buyer = buyers[i % buyers.length] as Buyer
      const id = newId()
      const amountCents = 10_000 + i
      await tx.insert(purchases).values({
        id,
        userId: buyer.userId,
        offeringId: offering.id,
        bankAccountId: buyer.bankAccountId,
        amountCents,
        rateBps: offering.rateBps,
        state: 'active',
        settledOn,
        maturityDate: calculateMaturityDate(settledOn, offering.termMonths),
        maturityInstruction: 'payout',
      })
      const ref = { purchaseId: id, offeringId: offering.id, userId: buyer.userId }
      await postTransaction(
        tx,
        reservePurchasePosting({ ...ref, amountCents, effectiveDate: settledOn }),
      )
      await postTransaction(
        tx,
        settlePurchasePosting({ ...ref, amountCents, effectiveDate: settledOn }),
      )
      reservedCents += amountCents
      ids.push(id)
    }
    await tx.update(offerings).set({ reservedCents }).where(eq(offerings.id, offering.id))
  })

  return ids
}

async function countActive(): Promise<number> {
  const [row] = await t.db.database.db
    .select({ n: count() })
    .from(purchases)
    .where(eq(purchases.state, 'active'))
  return row?.n ?? 0
}

describe('a run over many holdings', () => {
  test('matures and pays every holding once, several payouts at a time, while others still mature', async () => {
    const buyers = [await addBuyer(t, 'ada@example.com'), await addBuyer(t, 'grace@example.com')]
    const ids = await addDueHoldings(buyers)
    t.clock.set(new Date('2026-09-02T14:00:00Z'))

    // Watch the authorizations the job asks for: how many are open at once, and how many
    // holdings were still waiting to mature when the first went out.
    const plaid = t.deps.plaid
    const authorize = plaid.transferAuthorizationCreate.bind(plaid)
    let open = 0
    let mostOpen = 0
    let activeAtFirstSend: number | null = null
    plaid.transferAuthorizationCreate = async (request, options) => {
      activeAtFirstSend ??= await countActive()
      open += 1
      mostOpen = Math.max(mostOpen, open)
      try {
        await Bun.sleep(2)
        return await authorize(request, options)
      } finally {
        open -= 1
      }
    }

    const { outcome, counts } = await runWorkerJob(t)

    expect(outcome).toBe('succeeded')
    expect(counts).toMatchObject({ matured: holdingCount, payoutsSent: holdingCount })
    expect(await countActive()).toBe(0)
    const rows = await t.db.database.db.select().from(payouts)
    expect(rows.map((row) => row.purchaseId).toSorted()).toEqual(ids.toSorted())
    expect(rows.every((row) => row.state === 'pending' && row.transferId !== null)).toBe(true)
    expect((await creditsAtPlaid(t)).toSorted()).toEqual(
      rows.map((row) => row.transferId ?? '').toSorted(),
    )
    expect(mostOpen).toBeGreaterThan(1)
    expect(mostOpen).toBeLessThanOrEqual(payoutSendConcurrency)
    expect(activeAtFirstSend ?? 0).toBeGreaterThan(0)
    expect(await checkLedger(t.db.database.db)).toEqual([])
  }, 60_000)
})
