import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { accountBalance, accounts } from '@tenor/db/domain'
import { offerings, purchaseEvents, users } from '@tenor/db/schema'
import { and, eq } from 'drizzle-orm'
import {
  buyNoteRollingInto,
  mailOfKind,
  readPayout,
  readPayouts,
  readRolledNote,
  runWorkerJob,
  settleSentPayouts,
  signInAgain,
} from '../support/maturities.ts'
import type { PlaidTestApp } from '../support/plaid.ts'
import {
  addBuyer,
  addOffering,
  type Buyer,
  buy,
  expectLedgerClean,
  readOffering,
  readPurchase,
} from '../support/purchases.ts'
import { type Offering, openScene } from '../support/scene.ts'
import { signUpAdmin } from '../support/users.ts'

let t: PlaidTestApp
let offering: Offering
let ada: Buyer
beforeEach(async () => {
  ;({ t, offering, ada } = await openScene())
})
afterEach(() => t.close())

const balance = (code: string) => accountBalance(t.db.database.db, code)

/** A $1,000 note (it pays $1,040.33 on 2026-09-02) set to roll into a new offering. */
async function noteRollingInto(
  instruction: 'rollover_all' | 'rollover_principal',
  target: Partial<Parameters<typeof addOffering>[1]> = {},
) {
  const series = await addOffering(t, {
    name: 'Tenor Note Series B',
    closesOn: '2026-12-31',
    ...target,
  })
  const note = await buyNoteRollingInto(t, ada, {
    offeringId: offering.id,
    rollTo: series.slug,
    instruction,
  })
  t.plaid.resetCalls()
  t.clock.set(new Date('2026-09-02T14:00:00Z'))

  return { note, series }
}

async function maturedReason(purchaseId: string): Promise<string> {
  const [event] = await t.db.database.db
    .select()
    .from(purchaseEvents)
    .where(and(eq(purchaseEvents.purchaseId, purchaseId), eq(purchaseEvents.toState, 'matured')))

  return event?.reason ?? ''
}

describe('rollovers at maturity', () => {
  test('rolls principal and interest into a new active note, with no ACH', async () => {
    // An offering stored before rollovers stopped being a default: the new note still pays out.
    const { note, series } = await noteRollingInto('rollover_all', {
      defaultMaturityInstruction: 'rollover_all',
    })

    const run = await runWorkerJob(t)

    expect(run.counts).toMatchObject({ matured: 1, rolledOver: 1, payoutsSent: 0 })
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'paid' })
    const rolled = await readRolledNote(t, note.id)
    expect(rolled).toMatchObject({
      state: 'active',
      offeringId: series.id,
      amountCents: 104_033,
      settledOn: '2026-09-02',
      maturityDate: '2027-03-02',
      transferId: null,
      maturityInstruction: 'payout',
      rolloverOfferingId: null,
    })
    expect(await readPayouts(t, note.id)).toHaveLength(0)
    expect(t.plaid.calls()).toHaveLength(0)
    expect((await readOffering(t, series.id)).reservedCents).toBe(104_033)
    expect(await balance(accounts.notePrincipal(note.id))).toBe(0)
    expect(await balance(accounts.notePrincipal(rolled?.id ?? ''))).toBe(104_033)
    expect(await balance(accounts.offeringSold(series.id))).toBe(104_033)
    const done = await mailOfKind(t, ada.email, 'rollover_done')
    expect(done).toHaveLength(1)
    expect(done[0]?.text).toContain('$1,040.33 of it now earns 8.00% a year')
    expect(done[0]?.text).toContain('March 2, 2027')
    await expectLedgerClean(t)
  })

  test('rolls the principal over and pays the interest by ACH credit', async () => {
    const { note } = await noteRollingInto('rollover_principal')

    const run = await runWorkerJob(t)

    expect(run.counts).toMatchObject({ rolledOver: 1, payoutsSent: 1 })
    expect((await readRolledNote(t, note.id))?.amountCents).toBe(100_000)
    expect(await readPayout(t, note.id)).toMatchObject({ amountCents: 4_033, state: 'pending' })
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'matured' })
    // The portfolio counts the $1,000 once, in the new note; the matured one holds the interest.
    const { token } = await signInAgain(t, ada)
    const { portfolio } = (await (await t.request('/portfolio', { token })).json()) as {
      portfolio: {
        totals: { principalCents: number; expectedPayoutCents: number }
        holdings: { purchaseId: string; principalCents: number; interestAtMaturityCents: number }[]
        history: { id: string; rolledOver: boolean }[]
      }
    }
    expect(portfolio.holdings.find((h) => h.purchaseId === note.id)).toMatchObject({
      principalCents: 0,
      interestAtMaturityCents: 4_033,
      // The row says what went on, so its figures read as the rest.
      rolledOverCents: 100_000,
    })
    expect(portfolio.totals.principalCents).toBe(100_000)
    const newNote = await readRolledNote(t, note.id)
    // The history tells the note a rollover bought from the one a debit paid for.
    expect(portfolio.history.map(({ id, rolledOver }) => [id, rolledOver])).toEqual([
      [newNote?.id ?? '', true],
      [note.id, false],
    ])
    expect(portfolio.holdings.find((h) => h.purchaseId === newNote?.id)).toMatchObject({
      principalCents: 100_000,
      rolledOverCents: 0,
    })

    await settleSentPayouts(t)

    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'paid' })
    const paid = await mailOfKind(t, ada.email, 'maturity_paid')
    expect(paid).toHaveLength(1)
    expect(paid[0]?.text).toContain('This is the interest')
    expect(await mailOfKind(t, ada.email, 'rollover_done')).toHaveLength(1)
    await expectLedgerClean(t)

    // The statement keeps what the paid note earned, what reached the bank, and where the rest went.
    const csv = await (await t.request('/portfolio/statement.csv', { token })).text()
    const [header = '', ...lines] = csv.trim().split('\r\n')
    const columns = header.split(',')
    const row = lines.map((line) => line.split(',')).find((cells) => cells[0] === note.id) ?? []
    const cell = (name: string) => row[columns.indexOf(name)]
    expect(cell('state')).toBe('paid')
    expect(cell('accrued_interest_usd')).toBe('40.33')
    expect(cell('interest_at_maturity_usd')).toBe('40.33')
    expect(cell('paid_to_bank_usd')).toBe('40.33')
    expect(cell('paid_on')).toBe('2026-09-02')
    expect(cell('rolled_into')).toBe((await readRolledNote(t, note.id))?.id)
  })

  test('pays out instead when the chosen offering is full', async () => {
    const { note, series } = await noteRollingInto('rollover_all', { capacityCents: 100_000 })
    // Another investor takes all of it before the maturity.
    const bob = await addBuyer(t, 'bob@example.com')
    expect((await buy(t, bob, { offeringId: series.id, amountCents: 100_000 })).status).toBe(201)

    const run = await runWorkerJob(t)

    expect(run.counts).toMatchObject({ rolloverFallbacks: 1, payoutsSent: 1 })
    expect(await readRolledNote(t, note.id)).toBeUndefined()
    expect(await readPayout(t, note.id)).toMatchObject({ amountCents: 104_033 })
    expect(await maturedReason(note.id)).toContain('Tenor Note Series B is full')
    // Bob's purchase only: nothing of Ada's went in.
    expect((await readOffering(t, series.id)).reservedCents).toBe(100_000)
    expect(await balance(accounts.offeringSold(series.id))).toBe(100_000)

    await settleSentPayouts(t)
    const paid = await mailOfKind(t, ada.email, 'maturity_paid')
    expect(paid[0]?.text).toContain(
      'it could not be (Tenor Note Series B is full), so it was paid out instead',
    )
    expect(await mailOfKind(t, ada.email, 'rollover_done')).toHaveLength(0)
    await expectLedgerClean(t)
  })

  test('pays out instead when the chosen offering has closed by the maturity date', async () => {
    const { note, series } = await noteRollingInto('rollover_all')
    // Closed early after the choice (a choice of one closing first is refused outright).
    await t.db.database.db
      .update(offerings)
      .set({ closesOn: '2026-08-31' })
      .where(eq(offerings.id, series.id))

    await runWorkerJob(t)

    expect(await maturedReason(note.id)).toContain('is not open')
    expect(await readPayout(t, note.id)).toMatchObject({ amountCents: 104_033 })
    await expectLedgerClean(t)
  })

  test('pays out instead when the investor’s account is disabled', async () => {
    const { note, series } = await noteRollingInto('rollover_all')
    await t.db.database.db.update(users).set({ status: 'disabled' }).where(eq(users.id, ada.userId))

    const run = await runWorkerJob(t)

    expect(run.counts).toMatchObject({ rolloverFallbacks: 1, payoutsSent: 1 })
    expect(await readRolledNote(t, note.id)).toBeUndefined()
    expect(await maturedReason(note.id)).toContain('the account is disabled')
    expect(await readPayout(t, note.id)).toMatchObject({ amountCents: 104_033 })
    expect((await readOffering(t, series.id)).reservedCents).toBe(0)
    await expectLedgerClean(t)
  })

  test('pays out instead when the identity check is no longer approved', async () => {
    const { note } = await noteRollingInto('rollover_principal')
    await t.db.database.db
      .update(users)
      .set({ kycStatus: 'submitted' })
      .where(eq(users.id, ada.userId))

    await runWorkerJob(t)

    expect(await readRolledNote(t, note.id)).toBeUndefined()
    expect(await maturedReason(note.id)).toContain('the identity check is not approved')
    expect(await readPayout(t, note.id)).toMatchObject({ amountCents: 104_033 })
    await expectLedgerClean(t)
  })

  test('an approved rate cut tells the investors rolling into it, while they can still choose', async () => {
    const series = await addOffering(t, { name: 'Tenor Note Series B', closesOn: '2026-12-31' })
    await buyNoteRollingInto(t, ada, { offeringId: offering.id, rollTo: series.slug })
    const maker = await signUpAdmin(t, 'maker@example.com')
    const checker = await signUpAdmin(t, 'checker@example.com')
    const asked = await t.request(`/admin/offerings/${series.id}/rate`, {
      json: { rateBps: 700 },
      token: maker.token,
    })
    const { approvalId } = (await asked.json()) as { approvalId: string }
    const approved = await t.request(`/admin/approvals/${approvalId}/approve`, {
      json: {},
      token: checker.token,
    })
    expect(await approved.json()).toMatchObject({
      result:
        'rate changed to 7.00% for new purchases; 1 investor told their rollover into it will not go ahead',
    })

    const [told, ...more] = await mailOfKind(t, ada.email, 'rollover_rate_fell')
    expect(more).toHaveLength(0)
    expect(told?.subject).toBe(
      'Tenor Note Series B now pays 7.00%: your rollover will not go ahead',
    )
    expect(told?.text).toContain('when it paid 8.00%')
    expect(told?.text).toContain('Unless you choose again by August 27, 2026')
  })

  test('pays out instead when the offering’s rate was cut below the one the investor chose it at', async () => {
    const { note, series } = await noteRollingInto('rollover_all', { rateBps: 500 })
    // A cut approved after the instruction's cut-off: the investor can no longer choose again.
    await t.db.database.db
      .update(offerings)
      .set({ rateBps: 475 })
      .where(eq(offerings.id, series.id))
    const page = await t.request(`/purchases/${note.id}`, {
      token: (await signInAgain(t, ada)).token,
    })
    const view = (await page.json()) as {
      purchase: { rolloverOffering: { rateBps: number; chosenAtRateBps: number } }
    }
    expect(view.purchase.rolloverOffering).toMatchObject({ rateBps: 475, chosenAtRateBps: 500 })

    const run = await runWorkerJob(t)

    expect(run.counts).toMatchObject({ rolloverFallbacks: 1, payoutsSent: 1 })
    expect(await readRolledNote(t, note.id)).toBeUndefined()
    expect(await readPayout(t, note.id)).toMatchObject({ amountCents: 104_033 })
    expect(await maturedReason(note.id)).toContain(
      'the rate of Tenor Note Series B is now 4.75%, below the 5.00% it had when the rollover was chosen',
    )
    await settleSentPayouts(t)
    const [paid] = await mailOfKind(t, ada.email, 'maturity_paid')
    expect(paid?.text).toContain('now 4.75%, below the 5.00%')
    const after = await t.request(`/purchases/${note.id}`, {
      token: (await signInAgain(t, ada)).token,
    })
    const { purchase } = (await after.json()) as {
      purchase: { history: { note: string | null }[] }
    }
    expect(purchase.history.map((step) => step.note).filter(Boolean)).toEqual([
      'Could not roll over (the rate of Tenor Note Series B is now 4.75%, below the 5.00% it had when the rollover was chosen), so it is paid to your bank instead',
    ])
    await expectLedgerClean(t)
  })

  test('rolls over when the offering’s rate rose after it was chosen, at the new rate', async () => {
    const { note, series } = await noteRollingInto('rollover_all', { rateBps: 500 })
    await t.db.database.db
      .update(offerings)
      .set({ rateBps: 550 })
      .where(eq(offerings.id, series.id))

    const run = await runWorkerJob(t)

    expect(run.counts).toMatchObject({ rolledOver: 1 })
    expect(await readRolledNote(t, note.id)).toMatchObject({ rateBps: 550 })
    await expectLedgerClean(t)
  })

  test('pays out instead when the amount is below the offering’s minimum', async () => {
    const { note } = await noteRollingInto('rollover_principal', { minPurchaseCents: 500_000 })

    await runWorkerJob(t)

    expect(await maturedReason(note.id)).toContain(
      '$1,000.00 is less than the $5,000.00 smallest note of Tenor Note Series B',
    )
    expect(await readPayout(t, note.id)).toMatchObject({ amountCents: 104_033 })
    await expectLedgerClean(t)
  })

  test('rolls the largest note the offering sells and pays out the rest', async () => {
    const { note } = await noteRollingInto('rollover_all', {
      minPurchaseCents: 50_000,
      maxPurchaseCents: 80_000,
      incrementCents: 10_000,
    })
    // Before maturity the note's page already says how much will roll and how much is paid.
    const before = await t.request(`/purchases/${note.id}`, {
      token: (await signInAgain(t, ada)).token,
    })
    const { purchase: planned } = (await before.json()) as {
      purchase: { rolloverOffering: { rollsCents: number | null; paidOutCents: number } }
    }
    expect(planned.rolloverOffering).toMatchObject({ rollsCents: 80_000, paidOutCents: 24_033 })

    await runWorkerJob(t)

    expect((await readRolledNote(t, note.id))?.amountCents).toBe(80_000)
    expect(await readPayout(t, note.id)).toMatchObject({ amountCents: 24_033 })
    await expectLedgerClean(t)
  })

  test('a maximum off the step grid rolls the largest note in steps, and says so', async () => {
    const { note } = await noteRollingInto('rollover_all', {
      minPurchaseCents: 50_000,
      maxPurchaseCents: 85_000,
      incrementCents: 10_000,
    })

    await runWorkerJob(t)

    expect((await readRolledNote(t, note.id))?.amountCents).toBe(80_000)
    await settleSentPayouts(t)
    const [paid] = await mailOfKind(t, ada.email, 'maturity_paid')
    expect(paid?.text).toContain(
      '$800.00 rolled over into a new note, the largest note Tenor Note Series B sells; this is the rest.',
    )
  })

  test('rolls as much as the offering still has room for, and pays out the rest', async () => {
    const { note, series } = await noteRollingInto('rollover_all', { capacityCents: 150_000 })
    const bob = await addBuyer(t, 'bob@example.com')
    expect((await buy(t, bob, { offeringId: series.id, amountCents: 100_000 })).status).toBe(201)

    await runWorkerJob(t)

    expect((await readRolledNote(t, note.id))?.amountCents).toBe(50_000)
    expect(await readPayout(t, note.id)).toMatchObject({ amountCents: 54_033 })
    expect((await readOffering(t, series.id)).reservedCents).toBe(150_000)
    await settleSentPayouts(t)
    const [paid] = await mailOfKind(t, ada.email, 'maturity_paid')
    expect(paid?.text).toContain(
      '$500.00 rolled over into a new note, as much as Tenor Note Series B had room for; this is the rest.',
    )
    await expectLedgerClean(t)
  })

  test('rolls whole purchase steps over and pays the cents that do not fit', async () => {
    const { note } = await noteRollingInto('rollover_all', {
      minPurchaseCents: 50_000,
      incrementCents: 10_000,
    })

    await runWorkerJob(t)

    expect((await readRolledNote(t, note.id))?.amountCents).toBe(100_000)
    expect(await readPayout(t, note.id)).toMatchObject({ amountCents: 4_033 })
    await settleSentPayouts(t)
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'paid' })
    // The old note's page names the new one and what went to the bank.
    const res = await t.request(`/purchases/${note.id}`, {
      token: (await signInAgain(t, ada)).token,
    })
    const { purchase } = (await res.json()) as {
      purchase: { rolledInto: unknown; payment: { amountCents: number } }
    }
    expect(purchase.rolledInto).toEqual({
      purchaseId: (await readRolledNote(t, note.id))?.id,
      amountCents: 100_000,
      offeringName: 'Tenor Note Series B',
    })
    expect(purchase.payment.amountCents).toBe(4_033)
    const [paid] = await mailOfKind(t, ada.email, 'maturity_paid')
    expect(paid?.text).toContain(
      '$1,000.00 rolled over into a new note, in the steps of $100.00 that Tenor Note Series B sells; this is the rest.',
    )
    await expectLedgerClean(t)
  })

  test('rolling the principal alone off the step grid pays its leftover with the interest, and says so', async () => {
    const { note } = await noteRollingInto('rollover_principal', {
      minPurchaseCents: 30_000,
      incrementCents: 30_000,
    })

    await runWorkerJob(t)

    expect((await readRolledNote(t, note.id))?.amountCents).toBe(90_000)
    expect(await readPayout(t, note.id)).toMatchObject({ amountCents: 14_033 })
    await settleSentPayouts(t)
    const [paid] = await mailOfKind(t, ada.email, 'maturity_paid')
    expect(paid?.text).toContain(
      '$900.00 of your $1,000.00 principal rolled over into a new note, in the steps of $300.00 that Tenor Note Series B sells; this is the rest of the principal, and the interest.',
    )
    await expectLedgerClean(t)
  })
})
