import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { offerings } from '@tenor/db/schema'
import { maturityReminders } from '@tenor/workers/jobs/maturity-reminders'
import { eq } from 'drizzle-orm'
import { buyActiveNote, mailOfKind, runWorkerJob, signInAgain } from '../support/maturities.ts'
import { createPlaidTestApp, type PlaidTestApp } from '../support/plaid.ts'
import {
  addBuyer,
  addOffering,
  type Buyer,
  buy,
  type ErrorBody,
  type PurchaseBody,
  readPurchase,
} from '../support/purchases.ts'

let t: PlaidTestApp
let offering: Awaited<ReturnType<typeof addOffering>>
let target: Awaited<ReturnType<typeof addOffering>>
let ada: Buyer

beforeEach(async () => {
  t = await createPlaidTestApp()
  offering = await addOffering(t)
  target = await addOffering(t, { name: 'Tenor Note Series B', closesOn: '2026-12-31' })
  ada = await addBuyer(t, 'ada@example.com')
})
afterEach(() => t.close())

async function readView(purchaseId: string) {
  const res = await t.request(`/purchases/${purchaseId}`, { token: ada.token })
  expect(res.status).toBe(200)

  return ((await res.json()) as { purchase: Record<string, unknown> }).purchase
}

function setInstruction(purchaseId: string, body: unknown, token = ada.token) {
  return t.request(`/purchases/${purchaseId}/instruction`, { method: 'PUT', json: body, token })
}

describe('PUT /purchases/{id}/instruction', () => {
  test('rolls the whole note over into an open offering', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })

    const res = await setInstruction(note.id, {
      instruction: 'rollover_all',
      rolloverOfferingSlug: target.slug,
    })

    expect(res.status).toBe(200)
    const { purchase } = (await res.json()) as PurchaseBody & {
      purchase: { maturityInstruction: string; rolloverOfferingId: string | null }
    }
    expect(purchase).toMatchObject({
      maturityInstruction: 'rollover_all',
      rolloverOfferingId: target.id,
    })
    expect(await readPurchase(t, note.id)).toMatchObject({ rolloverOfferingId: target.id })
  })

  test('GET /purchases/{id} says whether and until when the instruction can change', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    await setInstruction(note.id, {
      instruction: 'rollover_all',
      rolloverOfferingSlug: target.slug,
    })

    expect(await readView(note.id)).toMatchObject({
      maturityDate: '2026-09-02',
      instructionChangeable: true,
      instructionChangeableUntil: '2026-08-27',
      rolloverOffering: { slug: target.slug, name: 'Tenor Note Series B' },
    })

    t.clock.set(new Date('2026-08-28T15:00:00Z'))
    ada = await signInAgain(t, ada)
    expect(await readView(note.id)).toMatchObject({
      instructionChangeable: false,
      instructionChangeableUntil: null,
    })
  })

  test('GET /purchases/{id} offers a change before the debit settles, with no cut-off yet', async () => {
    const res = await buy(t, ada, { offeringId: offering.id, amountCents: 50_000 })
    const { purchase } = (await res.json()) as PurchaseBody

    expect(await readView(purchase.id)).toMatchObject({
      instructionChangeable: true,
      instructionChangeableUntil: null,
      rolloverOffering: null,
    })
  })

  test('goes back to a payout and forgets the rollover offering', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    await setInstruction(note.id, {
      instruction: 'rollover_principal',
      rolloverOfferingSlug: target.slug,
    })

    const res = await setInstruction(note.id, { instruction: 'payout' })

    expect(res.status).toBe(200)
    expect(await readPurchase(t, note.id)).toMatchObject({
      maturityInstruction: 'payout',
      rolloverOfferingId: null,
    })
  })

  test('is allowed for a purchase still waiting for its debit', async () => {
    const res = await buy(t, ada, { offeringId: offering.id, amountCents: 50_000 })
    const { purchase } = (await res.json()) as PurchaseBody

    const set = await setInstruction(purchase.id, {
      instruction: 'rollover_all',
      rolloverOfferingSlug: target.slug,
    })

    expect(set.status).toBe(200)
  })

  test('closes at the cut-off, five days before maturity, by the New York calendar', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    expect(note.maturityDate).toBe('2026-09-02')

    // 23:30 in New York on August 27, already August 28 in UTC: the last day to change.
    t.clock.set(new Date('2026-08-28T03:30:00Z'))
    ada = await signInAgain(t, ada)
    expect((await setInstruction(note.id, { instruction: 'payout' })).status).toBe(200)

    t.clock.set(new Date('2026-08-28T04:30:00Z'))
    const late = await setInstruction(note.id, { instruction: 'payout' })
    expect(late.status).toBe(409)
    const body = (await late.json()) as ErrorBody
    expect(body.error.code).toBe('instruction_cutoff_passed')
    expect(body.error.message).toContain('August 28, 2026')
  })

  test("answers 404 for another investor's purchase, as for a missing one", async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    const bob = await addBuyer(t, 'bob@example.com')

    const theirs = await setInstruction(note.id, { instruction: 'payout' }, bob.token)
    const missing = await setInstruction('no-such-purchase', { instruction: 'payout' })

    expect(theirs.status).toBe(404)
    expect(missing.status).toBe(404)
    expect(await theirs.json()).toMatchObject({ error: { code: 'not_found' } })
    expect(await readPurchase(t, note.id)).toMatchObject({ maturityInstruction: 'payout' })
  })

  test('refuses a rollover into an offering that is not open', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    const closed = await addOffering(t, { status: 'closed' })

    const res = await setInstruction(note.id, {
      instruction: 'rollover_all',
      rolloverOfferingSlug: closed.slug,
    })

    expect(res.status).toBe(409)
    expect(((await res.json()) as ErrorBody).error.code).toBe('rollover_offering_unavailable')
  })

  test('refuses an offering that stops selling before the note matures', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    const closing = await addOffering(t, { name: 'Series Q', closesOn: '2026-08-31' })

    const res = await setInstruction(note.id, {
      instruction: 'rollover_all',
      rolloverOfferingSlug: closing.slug,
    })

    expect(res.status).toBe(409)
    const { error } = (await res.json()) as ErrorBody
    expect(error.code).toBe('rollover_offering_unavailable')
    expect(error.message).toBe(
      'Series Q stops selling on August 31, 2026, before this note matures on September 2, 2026, so it cannot roll over into it.',
    )
    expect(await readPurchase(t, note.id)).toMatchObject({ rolloverOfferingId: null })
  })

  test('before the debit settles, refuses an offering that stops selling before the earliest maturity', async () => {
    const res = await buy(t, ada, { offeringId: offering.id, amountCents: 50_000 })
    const { purchase } = (await res.json()) as PurchaseBody
    // Bought on Monday, March 2: settling on Tuesday at the earliest, maturing September 3.
    const closing = await addOffering(t, { name: 'Series Q', closesOn: '2026-09-02' })

    const refused = await setInstruction(purchase.id, {
      instruction: 'rollover_all',
      rolloverOfferingSlug: closing.slug,
    })

    expect(refused.status).toBe(409)
    const { error } = (await refused.json()) as ErrorBody
    expect(error.message).toBe(
      'Series Q stops selling on September 2, 2026, before this note matures at the earliest on September 3, 2026, so it cannot roll over into it.',
    )
    expect(await readPurchase(t, purchase.id)).toMatchObject({ rolloverOfferingId: null })
  })

  test('refuses a rollover whose offering rate changed after the investor saw it', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    const shown = target.rateBps + 50

    const refused = await setInstruction(note.id, {
      instruction: 'rollover_all',
      rolloverOfferingSlug: target.slug,
      rolloverRateBps: shown,
    })
    expect(refused.status).toBe(409)
    expect(((await refused.json()) as ErrorBody).error.code).toBe('rate_changed')
    expect(await readPurchase(t, note.id)).toMatchObject({
      rolloverOfferingId: null,
      rolloverRateBps: null,
    })

    const saved = await setInstruction(note.id, {
      instruction: 'rollover_all',
      rolloverOfferingSlug: target.slug,
      rolloverRateBps: target.rateBps,
    })
    expect(saved.status).toBe(200)
    expect(await readPurchase(t, note.id)).toMatchObject({ rolloverRateBps: target.rateBps })
    const view = await readView(note.id)
    expect(view.rolloverOffering).toMatchObject({
      chosenAtRateBps: target.rateBps,
      sellingAtMaturity: true,
    })
  })

  test('answers 422 for a rollover without an offering, or an unknown one', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })

    const missing = await setInstruction(note.id, { instruction: 'rollover_all' })
    const unknown = await setInstruction(note.id, {
      instruction: 'rollover_all',
      rolloverOfferingSlug: 'no-such-offering',
    })
    const payoutWithSlug = await setInstruction(note.id, {
      instruction: 'payout',
      rolloverOfferingSlug: target.slug,
    })

    expect(missing.status).toBe(422)
    expect(((await missing.json()) as ErrorBody).error.code).toBe('validation_failed')
    expect(unknown.status).toBe(422)
    expect(((await unknown.json()) as ErrorBody).error.code).toBe('unknown_offering')
    expect(payoutWithSlug.status).toBe(422)

    // A draft is not public: it answers exactly as a slug that does not exist.
    const draft = await addOffering(t, { slug: 'series-x-draft', status: 'draft' })
    const intoDraft = await setInstruction(note.id, {
      instruction: 'rollover_all',
      rolloverOfferingSlug: draft.slug,
    })
    expect(intoDraft.status).toBe(422)
    expect(((await intoDraft.json()) as ErrorBody).error).toMatchObject({
      code: 'unknown_offering',
      message: 'There is no offering with that slug.',
    })
  })

  test('refuses a note that has already matured', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    t.clock.set(new Date('2026-09-02T15:00:00Z'))
    await runWorkerJob(t)
    ada = await signInAgain(t, ada)

    const res = await setInstruction(note.id, { instruction: 'payout' })

    expect(res.status).toBe(409)
    expect(((await res.json()) as ErrorBody).error.code).toBe('instruction_locked')
  })

  test('answers 401 when signed out', async () => {
    const res = await t.request('/purchases/x/instruction', {
      method: 'PUT',
      json: { instruction: 'payout' },
    })

    expect(res.status).toBe(401)
  })
})

describe('the maturity reminder', () => {
  test('promises a rollover only into an offering still selling on the maturity date', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    expect(
      (
        await setInstruction(note.id, {
          instruction: 'rollover_all',
          rolloverOfferingSlug: target.slug,
        })
      ).status,
    ).toBe(200)
    // Series B stops selling before the note matures on 2026-09-02.
    await t.db.database.db
      .update(offerings)
      .set({ status: 'closed' })
      .where(eq(offerings.id, target.id))
    t.clock.set(new Date('2026-08-24T15:00:00Z'))

    await runWorkerJob(t, maturityReminders)

    const [reminder] = await mailOfKind(t, ada.email, 'maturity_reminder')
    expect(reminder?.text).toContain(
      'Tenor Note Series B will no longer be selling then, so your note cannot roll over into it. It will pay $1,040.33',
    )
    expect(reminder?.text).not.toContain('which will roll over')
  })

  test('says what of the proceeds fits the offering’s purchase steps and what is paid out', async () => {
    await t.db.database.db
      .update(offerings)
      .set({ minPurchaseCents: 50_000, incrementCents: 10_000 })
      .where(eq(offerings.id, target.id))
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    await setInstruction(note.id, {
      instruction: 'rollover_all',
      rolloverOfferingSlug: target.slug,
    })
    t.clock.set(new Date('2026-08-24T15:00:00Z'))

    await runWorkerJob(t, maturityReminders)

    const [reminder] = await mailOfKind(t, ada.email, 'maturity_reminder')
    expect(reminder?.text).toContain(
      'It pays $1,040.33: $1,000.00 will roll over into Tenor Note Series B, which sells notes in steps of $100.00, and the remaining $40.33 will be paid to your bank account.',
    )
  })

  test('rolling the principal alone, says only its leftover is the purchase steps’ doing', async () => {
    await t.db.database.db
      .update(offerings)
      .set({ minPurchaseCents: 30_000, incrementCents: 30_000 })
      .where(eq(offerings.id, target.id))
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    await setInstruction(note.id, {
      instruction: 'rollover_principal',
      rolloverOfferingSlug: target.slug,
    })
    t.clock.set(new Date('2026-08-24T15:00:00Z'))

    await runWorkerJob(t, maturityReminders)

    const [reminder] = await mailOfKind(t, ada.email, 'maturity_reminder')
    expect(reminder?.text).toContain(
      'It pays $1,040.33: $900.00 of its $1,000.00 principal will roll over into Tenor Note Series B, which sells notes in steps of $300.00, and the other $100.00 of principal and the $40.33 of interest will be paid to your bank account.',
    )
  })

  test('says a rollover will not happen once its offering pays less than when it was chosen', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    await setInstruction(note.id, {
      instruction: 'rollover_all',
      rolloverOfferingSlug: target.slug,
    })
    await t.db.database.db
      .update(offerings)
      .set({ rateBps: target.rateBps - 25 })
      .where(eq(offerings.id, target.id))
    t.clock.set(new Date('2026-08-24T15:00:00Z'))

    await runWorkerJob(t, maturityReminders)

    const [reminder] = await mailOfKind(t, ada.email, 'maturity_reminder')
    expect(reminder?.text).toContain(
      `The rate of Tenor Note Series B is now ${((target.rateBps - 25) / 100).toFixed(2)}%, below the ${(target.rateBps / 100).toFixed(2)}% it had when the rollover was chosen, so your note will not roll over into it. It will pay $1,040.33`,
    )
  })
})
