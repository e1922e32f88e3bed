import { afterEach, beforeEach, expect, test } from 'bun:test'
import { maturityReminders } from '@tenor/workers/jobs/maturity-reminders'
import {
  buyActiveNote,
  buyNoteRollingInto,
  creditsAtPlaid,
  mailOfKind,
  readPayouts,
  readRolledNote,
  runWorkerJob,
  signInAgain,
} from '../support/maturities.ts'
import type { PlaidTestApp } from '../support/plaid.ts'
import {
  addOffering,
  type Buyer,
  expectLedgerClean,
  readOffering,
  simulateTransfer,
} from '../support/purchases.ts'
import { type Offering, openScene } from '../support/scene.ts'

let t: PlaidTestApp
let offering: Offering
let ada: Buyer
beforeEach(async () => {
  ;({ t, offering, ada } = await openScene())
})
afterEach(() => t.close())

/**
 * A $1,000 note of the scene's offering rolled in full on 2 September into a one-month note of
 * Series B, which the investor then sets to roll on into Series C (`instruction`).
 */
async function rolledNoteRollingOn(instruction: 'rollover_all' | 'rollover_principal') {
  const b = await addOffering(t, {
    name: 'Series B',
    termMonths: 1,
    opensOn: '2026-02-15',
    closesOn: '2027-06-30',
  })
  const c = await addOffering(t, {
    name: 'Series C',
    opensOn: '2026-02-15',
    closesOn: '2027-06-30',
  })
  const first = await buyNoteRollingInto(t, ada, {
    offeringId: offering.id,
    rollTo: b.slug,
    instruction: 'rollover_all',
  })
  t.clock.set(new Date('2026-09-02T14:00:00Z'))
  await runWorkerJob(t)
  const rolled = await readRolledNote(t, first.id)
  if (!rolled) throw new Error('The first note did not roll over')
  t.clock.set(new Date('2026-09-03T14:00:00Z'))
  const { token } = await signInAgain(t, ada)
  const chosen = await t.request(`/purchases/${rolled.id}/instruction`, {
    method: 'PUT',
    json: { instruction, rolloverOfferingSlug: c.slug },
    token,
  })
  expect(chosen.status).toBe(200)
  return { c, first, rolled, token }
}

test('a note rolled over while another debit from its account is disputed: the email does not promise the withheld rest', async () => {
  const { c, rolled, token } = await rolledNoteRollingOn('rollover_principal')
  // Another debit from the same account is disputed before the note it rolled into matures.
  const disputed = await buyActiveNote(
    t,
    { ...ada, token },
    {
      offeringId: c.id,
      amountCents: 50_000,
    },
  )
  await simulateTransfer(t, disputed.transferId ?? '', 'returned', 'R10')
  await t.deps.syncTransfers()

  t.clock.set(new Date('2026-10-02T14:00:00Z'))
  const run = await runWorkerJob(t)

  // Its principal rolls on; its interest is withheld for review, not sent.
  expect(run.counts).toMatchObject({ rolledOver: 1, payoutsSent: 0, payoutsWithheld: 1 })
  expect(await readPayouts(t, rolled.id)).toMatchObject([
    { state: 'initiated', failureCode: 'FUNDING_IN_DOUBT' },
  ])
  expect(await creditsAtPlaid(t)).toEqual([])
  const email = (await t.mailbox(ada.email)).find(
    (m) => m.kind === 'rollover_done' && m.text.includes('Your Series B note matured'),
  )
  expect(email?.text).not.toContain('is on its way to your bank account')
  expect(email?.text).toContain('is paid once our team has reviewed it')
  await expectLedgerClean(t)
})

test('a note whose chain’s debit came back is not rolled over: no offering’s room goes to money Tenor does not hold', async () => {
  const { c, first, rolled } = await rolledNoteRollingOn('rollover_all')
  // The first note's debit comes back after it matured, before the note it rolled into does.
  await simulateTransfer(t, first.transferId ?? '', 'returned', 'R10')
  await t.deps.syncTransfers()

  // Its page says so before it matures, and no reminder offers a choice that cannot happen.
  const before = await readNote(rolled.id)
  expect(before).toMatchObject({ state: 'active', chainDebitReturned: true })
  expect((await readNote(first.id)).chainDebitReturned).toBe(false)
  t.clock.set(new Date('2026-09-23T15:00:00Z'))
  expect((await runWorkerJob(t, maturityReminders)).counts).toMatchObject({ reminded: 0 })
  expect(await mailOfKind(t, ada.email, 'maturity_reminder')).toEqual([])

  t.clock.set(new Date('2026-10-02T14:00:00Z'))
  const run = await runWorkerJob(t)

  // Paid out instead, and that payment is withheld: nothing sent, Series C untouched.
  expect(run.counts).toMatchObject({ rolledOver: 0, rolloverFallbacks: 1, payoutsSent: 0 })
  expect(await readRolledNote(t, rolled.id)).toBeUndefined()
  expect((await readOffering(t, c.id)).reservedCents).toBe(0)
  expect(await readPayouts(t, rolled.id)).toMatchObject([
    { state: 'initiated', failureCode: 'FUNDING_IN_DOUBT' },
  ])
  expect(await creditsAtPlaid(t)).toEqual([])
  const purchase = await readNote(rolled.id)
  expect(purchase.chainDebitReturned).toBe(true)
  expect(purchase.history.at(-1)?.note).toBe('Not rolled over: the payment for this note came back')
  await expectLedgerClean(t)
})

async function readNote(purchaseId: string) {
  const page = await t.request(`/purchases/${purchaseId}`, {
    token: (await signInAgain(t, ada)).token,
  })
  expect(page.status).toBe(200)
  const body = (await page.json()) as {
    purchase: { state: string; chainDebitReturned: boolean; history: { note: string | null }[] }
  }
  return body.purchase
}
