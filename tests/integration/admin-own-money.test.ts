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

/** Asks, as the administrator with `token`, for what `path` requests; answers the response. */
function ask(path: string, token: string, reason: string) {
  return t.request(path, { json: { reason }, token })
}

/** An answer refused because the request is about the administrator's own note. */
async function expectOwnPurchase(res: Response) {
  expect(res.status).toBe(409)
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('own_purchase')
}

/**
 * The owner asks (refused); the other administrator asks (waiting) and the owner approves
 * (refused): a request about the owner's money is decided by two others.
 */
async function expectDecidedByOthers(
  { owner, other }: Awaited<ReturnType<typeof adminWhoInvests>>,
  path: string,
  reason: string,
) {
  await expectOwnPurchase(await ask(path, owner.token, reason))
  const asked = await ask(path, other.token, reason)
  expect(asked.status).toBe(202)
  const { approvalId } = (await asked.json()) as { approvalId: string }
  await expectOwnPurchase(
    await t.request(`/admin/approvals/${approvalId}/approve`, { json: {}, token: owner.token }),
  )
}

test('an administrator can neither ask for nor approve a refund of their own note', async () => {
  const admins = await adminWhoInvests()
  const { note } = admins
  await expectDecidedByOthers(
    admins,
    `/admin/purchases/${note.id}/refund`,
    'The investor asked for their money back early.',
  )
  expect((await readPurchase(t, note.id)).repaymentScheduledAt).toBeNull()
})

test('an administrator holding a note of an offering can neither ask for nor approve its cancellation', async () => {
  const admins = await adminWhoInvests()
  const { offeringId } = await readPurchase(t, admins.note.id)
  await expectDecidedByOthers(
    admins,
    `/admin/offerings/${offeringId}/cancel`,
    'The series did not fund.',
  )
  const offering = await t.db.database.db.query.offerings.findFirst({
    where: eq(offerings.id, offeringId),
  })
  expect(offering?.status).toBe('open')
})
