import type { Tx } from '@tenor/db'
import {
  addDays,
  type CalendarDate,
  calculateInterest,
  instructionCutoffDays,
  isReminderDue,
  lastInstructionChangeDate,
  reminderLeadDays,
  toCalendarDate,
} from '@tenor/db/domain'
import type { Logger } from '@tenor/db/logger'
import { offerings, outboxMessages, purchases } from '@tenor/db/schema'
import { and, asc, eq, gt, isNull, lte, sql } from 'drizzle-orm'
import type { PurchaseDeps } from '../purchases/deps.ts'
import { wasOwnDebitReturned } from '../purchases/funding-in-doubt.ts'
import { type OutcomeContext, outcomeContextOf } from '../purchases/outcomes.ts'
import { isOpenForPurchase } from '../purchases/preconditions.ts'
import { findOffering, findPurchase, type PurchaseRow } from '../purchases/records.ts'
import { noteTermsOf } from '../purchases/views.ts'
import { formatUsd, largestPurchaseWithin } from '../routes/offerings/offerings.amounts.ts'
import { businessToday } from './due.ts'
import { noticeMaturityReminder } from './notices.ts'
import { pagesById } from './paging.ts'
import { writeRetrying } from './records.ts'
import { describeRateFall } from './rollover.ts'

const pageSize = 200

/**
 * Emails each active holding's owner once when the reminder is due (`isReminderDue`: from
 * ten days before maturity until the cut-off): what the note will pay, what will happen to it,
 * and a link to change that. A note Tenor repays early gets none: its instruction cannot change;
 * nor does one whose chain's debit came back, held at maturity whatever it says. The outbox key
 * `maturity-reminder:{purchaseId}` makes it once; holdings already reminded are left out of the
 * query, so reruns read only new ones.
 */
export async function sendMaturityReminders(
  deps: PurchaseDeps,
  log: Logger,
  today: CalendarDate = businessToday(deps),
): Promise<{ reminded: number; reminderErrors: number }> {
  const counts = { reminded: 0, reminderErrors: 0 }
  // isReminderDue(today, maturity) holds exactly for maturity in (today + 5, today + 10].
  const after = addDays(today, instructionCutoffDays)
  const until = addDays(today, reminderLeadDays)

  const due = pagesById(pageSize, (cursor) =>
    deps.database.db
      .select({ id: purchases.id })
      .from(purchases)
      .leftJoin(
        outboxMessages,
        eq(outboxMessages.dedupeKey, sql`'maturity-reminder:' || ${purchases.id}`),
      )
      .where(
        and(
          eq(purchases.state, 'active'),
          // A note repaid early has nothing to choose; its investor was told by its own email.
          isNull(purchases.repaymentScheduledAt),
          gt(purchases.maturityDate, after),
          lte(purchases.maturityDate, until),
          isNull(outboxMessages.id),
          gt(purchases.id, cursor),
        ),
      )
      .orderBy(asc(purchases.id))
      .limit(pageSize),
  )
  for await (const page of due) {
    for (const { id } of page) {
      try {
        const ctx = outcomeContextOf(deps)
        if (await writeRetrying(deps.database, (tx) => remind(tx, ctx, id, today))) {
          counts.reminded += 1
        }
      } catch (error) {
        counts.reminderErrors += 1
        log.error('could not write a maturity reminder', { purchaseId: id, error })
      }
    }
  }
  return counts
}

async function remind(
  tx: Tx,
  ctx: OutcomeContext,
  purchaseId: string,
  today: CalendarDate,
): Promise<boolean> {
  const purchase = await findPurchase(tx, purchaseId)
  if (purchase?.state !== 'active' || !purchase.settledOn || !purchase.maturityDate) return false
  if (purchase.repaymentScheduledAt) return false
  // Its chain's debit came back: it is held at maturity whatever it says, so there is nothing to
  // choose; its page says why.
  if (await wasOwnDebitReturned(tx, purchase.id)) return false
  const maturityDate = toCalendarDate(purchase.maturityDate)
  if (!isReminderDue(today, maturityDate)) return false

  const offering = await findOffering(tx, purchase.offeringId)
  const interestCents = calculateInterest({
    ...noteTermsOf(offering, purchase),
    principalCents: purchase.amountCents,
    startDate: toCalendarDate(purchase.settledOn),
    maturityDate,
  })
  await noticeMaturityReminder(tx, ctx, purchase, offering, {
    plan: await describePlan(tx, purchase, interestCents),
    cutoffDate: lastInstructionChangeDate(maturityDate),
  })

  return true
}

/** What the instruction will do with the proceeds, in words with the figures. */
async function describePlan(tx: Tx, purchase: PurchaseRow, interestCents: number): Promise<string> {
  const principal = formatUsd(purchase.amountCents)
  const interest = formatUsd(interestCents)
  const total = formatUsd(purchase.amountCents + interestCents)
  const chosen = purchase.rolloverOfferingId
    ? await tx.query.offerings.findFirst({ where: eq(offerings.id, purchase.rolloverOfferingId) })
    : undefined
  const paidOut = `It will pay ${total} (${principal} principal and ${interest} interest) to your bank account.`
  if (!chosen || purchase.maturityInstruction === 'payout') return paidOut

  // A rollover goes only into an offering still selling on the maturity date, at no lower a
  // rate than the investor chose it at, and in its purchase steps; otherwise the note is paid
  // out, and is described so, with a word on why.
  const fell = describeRateFall(purchase, chosen)
  if (fell) return `${capitalise(fell)}, so your note will not roll over into it. ${paidOut}`
  if (!purchase.maturityDate || !isOpenForPurchase(chosen, toCalendarDate(purchase.maturityDate))) {
    return `${chosen.name} will no longer be selling then, so your note cannot roll over into it. ${paidOut}`
  }
  const proceeds = purchase.amountCents + interestCents
  const wanted = purchase.maturityInstruction === 'rollover_all' ? proceeds : purchase.amountCents
  const rolled = largestPurchaseWithin(chosen, wanted)
  if (rolled === null) {
    return `${chosen.name} does not sell a note of ${formatUsd(wanted)}, so your note cannot roll over into it. ${paidOut}`
  }
  if (rolled === proceeds) return `It pays ${total}, which will roll over into ${chosen.name}.`
  const why =
    rolled < wanted && wanted > chosen.maxPurchaseCents
      ? 'the largest note it sells'
      : `which sells notes in steps of ${formatUsd(chosen.incrementCents)}`
  if (purchase.maturityInstruction === 'rollover_principal') {
    if (rolled === purchase.amountCents) {
      return `Its principal of ${principal} will roll over into ${chosen.name}, and the ${interest} of interest will be paid to your bank account.`
    }
    // The interest is paid out as asked: only the principal's leftover is the offering's doing.
    return `It pays ${total}: ${formatUsd(rolled)} of its ${principal} principal will roll over into ${chosen.name}, ${why}, and the other ${formatUsd(purchase.amountCents - rolled)} of principal and the ${interest} of interest will be paid to your bank account.`
  }
  return `It pays ${total}: ${formatUsd(rolled)} will roll over into ${chosen.name}, ${why}, and the remaining ${formatUsd(proceeds - rolled)} will be paid to your bank account.`
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
