/**
 * The investor of the portfolio figure: the seeded demo investor given a linked bank and a
 * number of notes bought through the API's own purchase code (reservation, transfer, Plaid's
 * events applied), so every row, ledger entry and email is what a real purchase leaves.
 * No Plaid call is made: the transfer ids and events are supplied here.
 */
import { demoAccounts } from '@tenor/api/cli/demo'
import type { AppDeps } from '@tenor/api/context'
import { createDeps } from '@tenor/api/deps'
import { applyPurchaseOutcome, outcomeContextOf } from '@tenor/api/purchases/outcomes'
import { findPurchase } from '@tenor/api/purchases/records'
import { reservePurchase } from '@tenor/api/purchases/reserve'
import { linkTransfer } from '@tenor/api/purchases/transfer-events'
import { type Database, manualClock, newId, openDatabase } from '@tenor/db'
import { businessDateOf } from '@tenor/db/domain'
import { parseEnv } from '@tenor/db/env'
import { createLogger } from '@tenor/db/logger'
import { bankAccounts, idempotencyKeys, offerings, plaidItems, users } from '@tenor/db/schema'
import { asc, eq } from 'drizzle-orm'

const day = 24 * 60 * 60 * 1000

/**
 * Gives the demo investor `count` notes spread over the seeded open offerings: one in ten still
 * pending at the bank, one in ten processing, the rest settled on different days in the past
 * two weeks, so interest to date and maturity months differ from row to row.
 */
export async function addHoldings(databaseUrl: string, count: number): Promise<void> {
  const database = openDatabase({ url: databaseUrl })
  const clock = manualClock(new Date())
  const env = parseEnv({ APP_ENV: 'test', DATABASE_URL: databaseUrl })
  const deps = createDeps({ env, database, log: createLogger('silent'), clock })
  try {
    const investor = await database.db.query.users.findFirst({
      where: eq(users.email, demoAccounts.investor.email),
    })
    const open = await database.db
      .select()
      .from(offerings)
      .where(eq(offerings.status, 'open'))
      .orderBy(asc(offerings.slug))
    if (!investor || open.length === 0) throw new Error('the seed has no investor or offerings')

    const bankAccountId = await addBank(database, investor.id)
    const buyer = { id: investor.id, email: investor.email, legalName: investor.legalName }
    const started = Date.now()
    for (let n = 0; n < count; n++) {
      const offering = open[n % open.length]
      if (!offering) continue
      // Bought 2 to 13 days ago (the seeded offerings opened 14 days ago), settled two days on.
      const boughtAt = new Date(started - (2 + (n % 12)) * day)
      clock.set(boughtAt)
      const keyId = newId()
      await database.db.insert(idempotencyKeys).values({
        id: keyId,
        userId: investor.id,
        key: `bench-${n}`,
        requestHash: 'bench',
        lockedAt: boughtAt,
        expiresAt: new Date(boughtAt.getTime() + day),
      })
      const amountCents = 100_000 + (n % 9) * 10_000
      const purchaseId = await reservePurchase(deps, {
        buyer,
        offering,
        account: { name: 'Plaid Checking', mask: '0000', institutionName: 'First Platypus Bank' },
        request: { offeringId: offering.id, bankAccountId, amountCents, consent: true },
        consent: { ipAddress: '127.0.0.1', userAgent: 'bench' },
        keyId,
        today: businessDateOf(boughtAt, env.businessTimeZone),
      })
      await linkTransfer(deps, purchaseId, `bench-transfer-${n}`)
      if (n % 10 === 0) continue

      clock.set(new Date(boughtAt.getTime() + 2 * day))
      await applyEvent(deps, purchaseId, 'processing', 'transfer posted')
      if (n % 10 !== 1) await applyEvent(deps, purchaseId, 'active', 'transfer settled')
    }
  } finally {
    database.close()
  }
}

async function addBank(database: Database, userId: string): Promise<string> {
  const itemId = newId()
  const accountId = newId()
  await database.write(async (tx) => {
    // The access token is never opened by the pages measured, so it needs no real seal.
    await tx.insert(plaidItems).values({
      id: itemId,
      userId,
      plaidItemId: `bench-item-${itemId}`,
      accessToken: 'bench',
      institutionId: 'ins_109508',
      institutionName: 'First Platypus Bank',
      statusChangedAt: new Date(),
    })
    await tx.insert(bankAccounts).values({
      id: accountId,
      itemId,
      userId,
      plaidAccountId: `bench-account-${accountId}`,
      name: 'Plaid Checking',
      mask: '0000',
      type: 'depository',
      subtype: 'checking',
    })
  })
  return accountId
}

/** What Plaid's `posted` and `settled` transfer events do to a purchase, in one transaction. */
async function applyEvent(
  deps: AppDeps,
  purchaseId: string,
  state: 'processing' | 'active',
  reason: string,
): Promise<void> {
  const ctx = outcomeContextOf(deps)
  await deps.database.write(async (tx) => {
    const purchase = await findPurchase(tx, purchaseId)
    if (!purchase) throw new Error(`no purchase ${purchaseId}`)
    const moved = await applyPurchaseOutcome(tx, ctx, purchase, { state, at: ctx.now, reason })
    if (!moved) throw new Error(`purchase ${purchaseId} did not move to ${state}`)
  })
}
