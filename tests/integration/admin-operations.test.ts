import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { matureDueHoldings } from '@tenor/api/maturities/due'
import { toCalendarDate } from '@tenor/db/domain'
import { createLogger } from '@tenor/db/logger'
import { payouts, purchases, users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import {
  buyActiveNote,
  buyNoteRollingInto,
  readPayout,
  runWorkerJob,
  signInAgain,
} from '../support/maturities.ts'
import { createPlaidTestApp, type PlaidTestApp } from '../support/plaid.ts'
import {
  addBuyer,
  addOffering,
  type Buyer,
  readPurchase,
  simulateTransfer,
} from '../support/purchases.ts'
import { signUpAdmin } from '../support/users.ts'

let t: PlaidTestApp
let series: Awaited<ReturnType<typeof addOffering>>
let ada: Buyer

beforeEach(async () => {
  t = await createPlaidTestApp()
  series = await addOffering(t)
})
afterEach(() => t.close())

/** Moves the clock to 10:00 in New York on `day`, and signs the investor in again. */
async function moveTo(day: string) {
  t.clock.set(new Date(`${day}T14:00:00Z`))
  if (ada) ada = await signInAgain(t, ada)
}

const buyNote = (amountCents: number) =>
  buyActiveNote(t, ada, { offeringId: series.id, amountCents })

describe('GET /admin/operations payout funding', () => {
  test('counts what must still leave the Plaid ledger within 7 days, and withheld payouts apart', async () => {
    const target = await addOffering(t, { name: 'Tenor Note Series B', closesOn: '2026-12-31' })
    await moveTo('2026-02-23')
    ada = await addBuyer(t, 'ada@example.com')
    const sent = await buyNote(100_000)
    await moveTo('2026-02-24')
    const unsent = await buyNote(200_000)
    const withheld = await buyNote(50_000)
    await moveTo('2026-03-02')
    // Both mature on September 2: one paid out, one whose principal rolls into Series B.
    await buyNote(100_000)
    await buyNoteRollingInto(t, ada, {
      offeringId: series.id,
      rollTo: target.slug,
      instruction: 'rollover_principal',
    })
    await moveTo('2026-03-10')
    await buyNote(100_000)

    // August 23: the first matures and its credit goes to Plaid. August 24: the next two
    // mature and wait to be sent, and the debit that paid for one of them comes back.
    await moveTo('2026-08-23')
    await runWorkerJob(t)
    expect((await readPayout(t, sent.id)).state).toBe('pending')
    await moveTo('2026-08-24')
    await matureDueHoldings(t.deps, createLogger('silent'), toCalendarDate('2026-08-24'))
    // For want of funds: a return that puts this note alone in doubt, not its account.
    await simulateTransfer(t, withheld.transferId ?? '', 'returned', 'R01')
    await t.deps.syncTransfers()
    expect((await readPurchase(t, withheld.id)).state).toBe('matured')

    await moveTo('2026-08-28')
    const admin = await signUpAdmin(t, 'admin@example.com')
    const res = await t.request('/admin/operations', { token: admin.token })
    const { payoutFunding, withheldPayouts } = (await res.json()) as {
      payoutFunding: { dueNext7DaysCents: number; withheldCents: number; shortfallCents: number }
      withheldPayouts: unknown[]
    }

    // Not counted: the credit Plaid has made, and the note maturing on September 10. Counted:
    // the payout not yet sent, the note paid out on September 2 ($1,000 and $40.33 of
    // interest), and the interest of the one rolling over.
    const unsentPayout = await readPayout(t, unsent.id)
    expect(unsentPayout.state).toBe('initiated')
    expect(payoutFunding).toMatchObject({
      dueNext7DaysCents: unsentPayout.amountCents + 104_033 + 4_033,
      withheldCents: (await readPayout(t, withheld.id)).amountCents,
      shortfallCents: 0,
    })
    // The withheld one is listed for a person to look at; the one merely waiting is not.
    expect(withheldPayouts).toEqual([
      {
        purchaseId: withheld.id,
        investorEmail: 'ada@example.com',
        offeringName: series.name,
        amountCents: (await readPayout(t, withheld.id)).amountCents,
        since: expect.any(String),
      },
    ])
  })

  test('a debit reported unauthorized withholds every payout of its account, held money included', async () => {
    await moveTo('2026-03-02')
    ada = await addBuyer(t, 'ada@example.com')
    const held = await buyNote(100_000)
    const maturing = await buyNote(200_000)
    const disputed = await buyNote(50_000)
    await simulateTransfer(t, disputed.transferId ?? '', 'returned', 'R10')
    await t.deps.syncTransfers()
    // The first note matured early in the month (its payout came back); the second is due.
    await t.db.database.db
      .update(purchases)
      .set({ maturityDate: toCalendarDate('2026-08-20') })
      .where(eq(purchases.id, held.id))
    await moveTo('2026-08-20')
    await matureDueHoldings(t.deps, createLogger('silent'), toCalendarDate('2026-08-20'))
    await t.db.database.db
      .update(payouts)
      .set({ state: 'failed', failureReason: 'your bank says this account is closed.' })
      .where(eq(payouts.purchaseId, held.id))

    await moveTo('2026-08-28')
    const admin = await signUpAdmin(t, 'admin@example.com')
    const res = await t.request('/admin/operations', { token: admin.token })
    const ops = (await res.json()) as {
      payoutFunding: { dueNext7DaysCents: number; withheldCents: number }
      heldPayouts: { purchaseId: string; inReview: boolean }[]
    }

    expect(ops.heldPayouts).toEqual([
      expect.objectContaining({ purchaseId: held.id, inReview: true }),
    ])
    expect(ops.payoutFunding).toEqual(
      expect.objectContaining({
        dueNext7DaysCents: 0,
        withheldCents: (await readPayout(t, held.id)).amountCents + 208_066,
      }),
    )
    expect(maturing.maturityDate).toBe('2026-09-02')
  })

  test('counts a rollover in full when the investor could no longer buy', async () => {
    const target = await addOffering(t, { name: 'Tenor Note Series B', closesOn: '2026-12-31' })
    await moveTo('2026-03-02')
    ada = await addBuyer(t, 'ada@example.com')
    await buyNoteRollingInto(t, ada, {
      offeringId: series.id,
      rollTo: target.slug,
      instruction: 'rollover_principal',
    })
    await moveTo('2026-08-28')
    const admin = await signUpAdmin(t, 'admin@example.com')
    const dueNext7Days = async () => {
      const res = await t.request('/admin/operations', { token: admin.token })
      const body = (await res.json()) as { payoutFunding: { dueNext7DaysCents: number } }
      return body.payoutFunding.dueNext7DaysCents
    }

    // The principal rolls over on September 2: only the interest leaves.
    expect(await dueNext7Days()).toBe(4_033)
    // A disabled account cannot buy, so the maturity run will pay the whole note out.
    await t.db.database.db.update(users).set({ status: 'disabled' }).where(eq(users.id, ada.userId))
    expect(await dueNext7Days()).toBe(104_033)
  })
})
