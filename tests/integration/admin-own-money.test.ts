import { afterEach, beforeEach, expect, test } from 'bun:test'
import { offerings, users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import { buyActiveNote } from '../support/maturities.ts'
import { createPlaidTestApp, type PlaidTestApp } from '../support/plaid.ts'
import { addBuyer, addOffering, readPurchase } from '../support/purchases.ts'
import { signUpAdmin, turnOnTwoFactor } from '../support/users.ts'

/*
 * Two administrators must want a money-moving action. An administrator who also holds notes is
 * the investor such a request is about: asking for it, or approving it, they act on their own
 * money, and only one other person looked. As with their own identity check (`own_account`),
 * another pair of administrators decides it.
 */

let t: PlaidTestApp
beforeEach(async () => {
  t = await createPlaidTestApp()
})
afterEach(() => t.close())

async function adminWhoInvests() {
  const offering = await addOffering(t)
  const owner = await addBuyer(t, 'owner@example.com')
  const note = await buyActiveNote(t, owner, { offeringId: offering.id, amountCents: 100_000 })
  await t.db.database.db.update(users).set({ role: 'admin' }).where(eq(users.id, owner.userId))
  await turnOnTwoFactor(t, owner.token)
  const other = await signUpAdmin(t, 'other@example.com')
  return { owner, note, other }
}

const reason = 'The investor asked for their money back early.'

test('an administrator cannot ask for a refund of their own note', async () => {
  const { owner, note } = await adminWhoInvests()
  const asked = await t.request(`/admin/purchases/${note.id}/refund`, {
    json: { reason },
    token: owner.token,
  })
  expect(asked.status).toBe(409)
  expect(((await asked.json()) as { error: { code: string } }).error.code).toBe('own_purchase')
})

test('an administrator cannot approve a request about their own note', async () => {
  const { owner, note, other } = await adminWhoInvests()
  const asked = await t.request(`/admin/purchases/${note.id}/refund`, {
    json: { reason },
    token: other.token,
  })
  expect(asked.status).toBe(202)
  const { approvalId } = (await asked.json()) as { approvalId: string }
  const approved = await t.request(`/admin/approvals/${approvalId}/approve`, {
    json: {},
    token: owner.token,
  })
  expect(approved.status).toBe(409)
  expect(((await approved.json()) as { error: { code: string } }).error.code).toBe('own_purchase')
  const purchase = await readPurchase(t, note.id)
  expect(purchase.repaymentScheduledAt).toBeNull()
})

test('an administrator holding a note of an offering can neither ask for nor approve its cancellation', async () => {
  const { owner, note, other } = await adminWhoInvests()
  const { offeringId } = await readPurchase(t, note.id)
  const reason = 'The series did not fund.'
  const own = await t.request(`/admin/offerings/${offeringId}/cancel`, {
    json: { reason },
    token: owner.token,
  })
  expect(own.status).toBe(409)
  expect(((await own.json()) as { error: { code: string } }).error.code).toBe('own_purchase')

  const asked = await t.request(`/admin/offerings/${offeringId}/cancel`, {
    json: { reason },
    token: other.token,
  })
  expect(asked.status).toBe(202)
  const { approvalId } = (await asked.json()) as { approvalId: string }
  const approved = await t.request(`/admin/approvals/${approvalId}/approve`, {
    json: {},
    token: owner.token,
  })
  expect(approved.status).toBe(409)
  expect(((await approved.json()) as { error: { code: string } }).error.code).toBe('own_purchase')
  const offering = await t.db.database.db.query.offerings.findFirst({
    where: eq(offerings.id, offeringId),
  })
  expect(offering?.status).toBe('open')
})
