import type { Tx } from '@tenor/db'
import type { UndoneState } from '@tenor/db/domain'
import { users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import { purchaseActive, purchaseReceived, purchaseStopped } from '../lib/note-emails.ts'
import { enqueueEmail, type OutgoingEmail, withdrawEmail } from '../lib/outbox.ts'
import { formatUsd } from '../routes/offerings/offerings.amounts.ts'
import type { OfferingRow, PurchaseRow } from './records.ts'

/**
 * Emails about a purchase, written to the outbox in the transaction that changes the purchase,
 * so an email exists exactly when its event committed. Each is keyed by purchase and event.
 */

/** Who an email about a purchase goes to. */
export interface Buyer {
  id: string
  email: string
  legalName: string
}

export interface NoticeContext {
  now: Date
  publicUrl: string
}

async function sendNotice(
  tx: Tx,
  ctx: NoticeContext,
  purchase: PurchaseRow,
  event: string,
  render: (name: string) => { subject: string; text: string; html: string },
): Promise<void> {
  const owner = await tx.query.users.findFirst({ where: eq(users.id, purchase.userId) })
  if (!owner) return

  await enqueueEmail(
    tx,
    {
      kind: `purchase_${event}`,
      dedupeKey: `purchase:${purchase.id}:${event}`,
      userId: owner.id,
      to: owner.email,
      ...render(owner.legalName),
    },
    ctx.now,
  )
}

const wordsOf = (
  purchase: Pick<PurchaseRow, 'amountCents'>,
  offering: Pick<OfferingRow, 'name'>,
) => ({
  offeringName: offering.name,
  amount: formatUsd(purchase.amountCents),
})

const receivedKey = (purchaseId: string) => `purchase:${purchaseId}:received`

/** The one email saying a note is repaid early, whichever reason came first. */
export const earlyRepaymentKey = (purchaseId: string) => `early-repayment:${purchaseId}`

/**
 * The "purchase received" email, rendered before the reservation takes the write lock: the
 * buyer and offering are those the request was checked against.
 */
export function purchaseReceivedEmail(
  buyer: Buyer,
  purchase: Pick<PurchaseRow, 'id' | 'amountCents'>,
  offering: Pick<OfferingRow, 'name'>,
  authorization: string,
  publicUrl: string,
): OutgoingEmail {
  const url = `${publicUrl}/purchases/${purchase.id}`

  return {
    kind: 'purchase_received',
    dedupeKey: receivedKey(purchase.id),
    userId: buyer.id,
    to: buyer.email,
    ...purchaseReceived(buyer.legalName, wordsOf(purchase, offering), authorization, url),
  }
}

export function noticePurchaseActive(
  tx: Tx,
  ctx: NoticeContext,
  purchase: PurchaseRow,
  offering: OfferingRow,
  dates: { settledOn: string; maturityDate: string; payoutCents: number },
): Promise<void> {
  const words = {
    ...wordsOf(purchase, offering),
    settledOn: dates.settledOn,
    maturityDate: dates.maturityDate,
    payout: formatUsd(dates.payoutCents),
  }

  return sendNotice(tx, ctx, purchase, 'active', (name) =>
    purchaseActive(name, words, `${ctx.publicUrl}/portfolio`),
  )
}

export async function noticePurchaseStopped(
  tx: Tx,
  ctx: NoticeContext,
  purchase: PurchaseRow,
  offering: OfferingRow,
  outcome: UndoneState,
  reason: string,
  /** Notes bought by rolling this one over, closed with it (a debit returned after maturity). */
  rolledInto: readonly { purchase: PurchaseRow; offering: OfferingRow }[] = [],
): Promise<void> {
  const url = `${ctx.publicUrl}/purchases/${purchase.id}`
  // Stopped before any debit was under way (a decline): the "received" email, while unsent,
  // would tell the investor their bank is being debited. It goes no further.
  if (purchase.state === 'initiated') await withdrawEmail(tx, receivedKey(purchase.id))
  // Set to be repaid early, then undone (its debit came back): no repayment is coming.
  const wasToBeRepaid = purchase.repaymentReason !== null
  if (wasToBeRepaid) await withdrawEmail(tx, earlyRepaymentKey(purchase.id))
  // Returned after it matured (closed by two administrators): its payment is not coming.
  const hadMatured = purchase.state === 'matured' || purchase.state === 'paid'

  return sendNotice(tx, ctx, purchase, outcome, (name) =>
    purchaseStopped(
      name,
      {
        ...wordsOf(purchase, offering),
        outcome,
        reason,
        wasToBeRepaid,
        hadMatured,
        rolledInto: rolledInto.map((note) => wordsOf(note.purchase, note.offering)),
      },
      url,
    ),
  )
}
