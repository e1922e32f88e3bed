import type { LedgerReader } from '@tenor/db/domain'
import { payouts, purchases, transferEvents, transferSyncCursor } from '@tenor/db/schema'
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm'
import {
  findDisputedAccounts,
  readAccountsAtBank,
  sameAccountKey,
} from '../plaid/disputed-accounts.ts'

/** What a payout withheld for review carries, from the first run that withheld it. */
export const withheldForReview = {
  code: 'FUNDING_IN_DOUBT',
  reason: 'A debit from the account that paid for the note came back; withheld for review.',
} as const

/**
 * Whether a payout is one the worker withholds when its note's funding is in doubt: one not yet
 * asked of Plaid (`sendPayout`; one with an authorization is resumed, so its credit stays
 * single), or held money, which is then not sent again (`resendHeldPayouts`).
 */
export function canBeWithheld(payout: { state: string; authorizationId: string | null }): boolean {
  return (
    (payout.state === 'initiated' && payout.authorizationId === null) ||
    payout.state === 'returned' ||
    payout.state === 'failed'
  )
}

// Purchases looked up in one statement: well under SQLite's limit on bound values.
const chunkSize = 400

/**
 * Whether the money that paid for a note is in doubt, so that its payout waits for a person
 * instead of going anywhere: the debit that paid for it came back (the note's own, or, for a
 * note rolled over from another, that of the first note in the chain, whose money it is), or
 * its bank reported another debit from the same account as unauthorized (R05, R07, R10, R29),
 * linked through this connection or another (`findDisputedAccounts`).
 * An account holder who disputes one debit may dispute the rest within sixty days; paying the
 * note out meanwhile, to that account or any other, could pay its money twice.
 *
 * A second administrator's approval after a review lets the payout of a note in doubt for a
 * disputed account go: what was known then was looked at (`reviewReleasedThroughEventId`, the
 * last transfer event stored when it was approved). A return of any of the investor's transfers
 * stored after it puts the note in doubt again. A note whose own debit came back is never let go.
 */
export async function wasFundingInDoubt(db: LedgerReader, purchaseId: string): Promise<boolean> {
  return (await findFundingInDoubt(db, [purchaseId])).has(purchaseId)
}

/** The notes among `purchaseIds` whose funding is in doubt, as `wasFundingInDoubt` tells it. */
export async function findFundingInDoubt(
  db: LedgerReader,
  purchaseIds: readonly string[],
): Promise<Set<string>> {
  const inDoubt = new Set<string>()
  // Its own debit came back: its money is with the investor's bank again, whatever a review said.
  const debitReturned = new Set<string>()
  for (let start = 0; start < purchaseIds.length; start += chunkSize) {
    const chains = await readChains(db, purchaseIds.slice(start, start + chunkSize))
    for (const chain of chains) if (chain.returned) debitReturned.add(chain.root)

    const disputed = await findDisputedAccounts(db, [...new Set(chains.map((c) => c.userId))])
    if (disputed.size === 0) continue
    const accountIds = [...new Set(chains.flatMap((chain) => chain.bankAccountId ?? []))]
    const accounts = await readAccountsAtBank(db, accountIds)
    const disputedIds = new Set(
      accounts.filter((account) => disputed.has(sameAccountKey(account))).map((a) => a.id),
    )
    for (const chain of chains) {
      if (chain.bankAccountId && disputedIds.has(chain.bankAccountId)) inDoubt.add(chain.root)
    }
  }
  for (const purchaseId of await findStillReleased(db, [...inDoubt])) inDoubt.delete(purchaseId)
  for (const purchaseId of debitReturned) inDoubt.add(purchaseId)
  return inDoubt
}

/**
 * A note's maturity payout while it waits for review (null otherwise), with whether a review
 * can let it go (`releasable`) or not, its own debit having come back (`debit_returned`).
 */
export async function readPaymentReview(db: LedgerReader, purchaseId: string) {
  const payout = await db.query.payouts.findFirst({
    where: and(eq(payouts.purchaseId, purchaseId), eq(payouts.kind, 'maturity')),
  })
  if (!payout || !canBeWithheld(payout) || !(await wasFundingInDoubt(db, purchaseId))) return null
  const review = (await wasOwnDebitReturned(db, purchaseId)) ? 'debit_returned' : 'releasable'
  return { payout, review } as const
}

/**
 * Whether the debit that paid for a note (for one rolled over, that of the first note in its
 * chain) came back: its money went back to the investor's bank, so paying the note out would
 * pay it twice, and rolling it over would take an offering's room for money Tenor does not
 * hold. No review releases such a payout.
 */
export async function wasOwnDebitReturned(db: LedgerReader, purchaseId: string): Promise<boolean> {
  return (await findOwnDebitsReturned(db, [purchaseId])).has(purchaseId)
}

/** The notes among `purchaseIds` whose own or chain's debit came back (`wasOwnDebitReturned`). */
export async function findOwnDebitsReturned(
  db: LedgerReader,
  purchaseIds: readonly string[],
): Promise<Set<string>> {
  const returned = new Set<string>()
  for (let start = 0; start < purchaseIds.length; start += chunkSize) {
    const chains = await readChains(db, purchaseIds.slice(start, start + chunkSize))
    for (const chain of chains) if (chain.returned) returned.add(chain.root)
  }
  return returned
}

/**
 * Each note with every note it was rolled over from, back to the one a debit paid for: its
 * investor, and for each link the account that paid and whether that debit came back.
 */
function readChains(db: LedgerReader, purchaseIds: readonly string[]) {
  const ids = purchaseIds.map((id) => sql`${id}`)
  return db.all<{ root: string; userId: string; bankAccountId: string | null; returned: number }>(
    sql`
      with recursive chain(root, id, transfer_id, rolled_from, user_id, bank_account_id) as (
        select ${purchases.id}, ${purchases.id}, ${purchases.transferId},
               ${purchases.rolledFromPurchaseId}, ${purchases.userId}, ${purchases.bankAccountId}
          from ${purchases} where ${purchases.id} in (${sql.join(ids, sql`, `)})
        union
        select chain.root, p.id, p.transfer_id, p.rolled_from_purchase_id, p.user_id, p.bank_account_id
          from ${purchases} p join chain on p.id = chain.rolled_from
      )
      select chain.root as root, chain.user_id as userId, chain.bank_account_id as bankAccountId,
             exists (select 1 from ${transferEvents} e
                      where e.transfer_id = chain.transfer_id and e.event_type = 'returned') as returned
        from chain`,
  )
}

/**
 * The notes among `purchaseIds` whose payout a review released, with no return of their
 * investor's transfers (debits or credits) stored since. Events are stored in Plaid's order,
 * with the sync cursor in the same transaction, so one stored after the release has a larger id
 * than the cursor the release read, whatever the clocks said.
 */
async function findStillReleased(
  db: LedgerReader,
  purchaseIds: readonly string[],
): Promise<string[]> {
  const stillReleased: string[] = []
  for (let start = 0; start < purchaseIds.length; start += chunkSize) {
    const released = await db
      .select({
        purchaseId: payouts.purchaseId,
        userId: payouts.userId,
        throughEventId: payouts.reviewReleasedThroughEventId,
      })
      .from(payouts)
      .where(
        and(
          inArray(payouts.purchaseId, purchaseIds.slice(start, start + chunkSize)),
          eq(payouts.kind, 'maturity'),
          isNotNull(payouts.reviewReleasedThroughEventId),
        ),
      )
    for (const payout of released) {
      if (!(await wasReturnReceivedSince(db, payout))) stillReleased.push(payout.purchaseId)
    }
  }
  return stillReleased
}

/**
 * The id of the last transfer event stored: every event up to it is in the database, since the
 * sync stores events and its cursor in one transaction. A review that reads this before it looks
 * has seen every return up to it; `wasReturnReceivedSince` finds those it has not.
 */
export async function readEventsStoredThrough(db: LedgerReader): Promise<number> {
  const [cursor] = await db
    .select({ lastEventId: transferSyncCursor.lastEventId })
    .from(transferSyncCursor)
  return cursor?.lastEventId ?? 0
}

/** Whether a return of any of the investor's transfers (debits or credits) was stored since. */
export async function wasReturnReceivedSince(
  db: LedgerReader,
  payout: { userId: string; throughEventId: number | null },
): Promise<boolean> {
  const [later] = await db.all<{ found: number }>(sql`
    select 1 as found from ${transferEvents} e
     where e.event_type = 'returned' and e.event_id > ${payout.throughEventId ?? -1}
       and e.transfer_id in (select transfer_id from ${purchases} where user_id = ${payout.userId}
                             union all
                             select transfer_id from ${payouts} where user_id = ${payout.userId})
     limit 1`)
  return later !== undefined
}
