/**
 * The holdings of the maturity-run figure: investors whose banks are linked at a Plaid
 * stand-in, and a libSQL file of `active` notes that all mature on today's business date,
 * written in batches with the postings a settled purchase has (offering opened, purchase
 * reserved, purchase settled). Every run starts from copies of the two files.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { encrypt } from '@tenor/api/lib/crypto'
import { type Database, migrateDatabase, newId, openDatabase } from '@tenor/db'
import {
  addDays,
  addMonths,
  businessDateOf,
  type CalendarDate,
  calculateInterest,
  calculateMaturityDate,
  type OfferingTerms,
  openOfferingPosting,
  reservePurchasePosting,
  settlePurchasePosting,
} from '@tenor/db/domain'
import { parseEnv } from '@tenor/db/env'
import {
  bankAccounts,
  offerings,
  plaidItems,
  purchaseEvents,
  purchases,
  users,
} from '@tenor/db/schema'
import { createPlaidClient, linkItem } from '../standins/plaid/testing.ts'
import { startServer } from './harness.ts'
import { chunks, createLedgerRows, type LedgerRows } from './maturity-ledger.ts'

/** Enough for every payout at the largest size: a credit leaves the Ledger when created. */
export const ledgerBalance = '1000000000.00'
const investorCount = 50
const batchSize = 500

export interface Destination {
  accessToken: string
  plaidAccountId: string
  legalName: string
}

export interface DueHolding {
  purchaseId: string
  /** Index into `destinations`: the investor's linked checking account. */
  investor: number
  payoutCents: number
}

export interface MaturityFixture {
  holdings: DueHolding[]
  destinations: Destination[]
  maturityDate: CalendarDate
  /** Copies the database into `dir` and the stand-in's state into `plaidDir`, for one run. */
  copyTo(dir: string, plaidDir: string): { databasePath: string; plaidStatePath: string }
  remove(): void
}

type OfferingRow = typeof offerings.$inferInsert

/** Links the investors' banks at a stand-in started for the purpose, then writes the holdings. */
export async function prepareMaturityFixture(
  count: number,
  plaidPort: number,
): Promise<MaturityFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'tenor-maturity-'))
  const databasePath = join(dir, 'tenor.db')
  const plaidStatePath = join(dir, 'plaid.json')
  const destinations = await linkInvestors(plaidPort, plaidStatePath)
  const database = openDatabase({ url: `file:${databasePath}` })
  try {
    await migrateDatabase(database)
    const { holdings, maturityDate } = await writeHoldings(database, destinations, count)
    await database.client.execute('PRAGMA wal_checkpoint(TRUNCATE)')

    return {
      holdings,
      destinations,
      maturityDate,
      copyTo(runDir, plaidDir) {
        const paths = {
          databasePath: join(runDir, 'tenor.db'),
          plaidStatePath: join(plaidDir, 'plaid.json'),
        }
        copyFileSync(databasePath, paths.databasePath)
        copyFileSync(plaidStatePath, paths.plaidStatePath)
        return paths
      },
      remove: () => rmSync(dir, { recursive: true, force: true }),
    }
  } finally {
    database.close()
  }
}

async function linkInvestors(port: number, statePath: string): Promise<Destination[]> {
  const url = `http://127.0.0.1:${port}`
  const standIn = await startServer(
    'plaid stand-in',
    standInCommand(port, statePath),
    {},
    url,
    '/__standin/health',
  )
  try {
    const sdk = createPlaidClient(url)
    const destinations: Destination[] = []
    for (let n = 0; n < investorCount; n++) {
      const item = await linkItem(sdk)
      destinations.push({
        accessToken: item.accessToken,
        plaidAccountId: item.checkingId,
        legalName: `Bench Investor ${n}`,
      })
    }
    return destinations
  } finally {
    await standIn.stop()
  }
}

export function standInCommand(port: number, statePath: string): string[] {
  return [
    'bun',
    'tests/standins/plaid/main.ts',
    '--port',
    String(port),
    '--state',
    statePath,
    '--ledger-balance',
    ledgerBalance,
    '--save-interval-ms',
    '500',
  ]
}

/** Investors, their banks, one offering and `count` notes due today, in batched inserts. */
async function writeHoldings(
  database: Database,
  destinations: Destination[],
  count: number,
): Promise<{ holdings: DueHolding[]; maturityDate: CalendarDate }> {
  const { encryptionKeys } = parseEnv({ APP_ENV: 'test' })
  const now = new Date()
  // Six-month notes settled six months ago: all due on the business date of the run, or just
  // before it where the month has fewer days.
  const settledOn = addMonths(businessDateOf(now), -6)
  const dueOn = calculateMaturityDate(settledOn, 6)
  const amountOf = (i: number) => 100_000 + (i % 500) * 100
  const terms: OfferingTerms = {
    rateBps: 800,
    rateType: 'simple',
    compounding: null,
    dayCount: 'act_365f',
    termMonths: 6,
  }
  const offeringId = newId()
  const opensOn = addDays(settledOn, -10)
  const offering: OfferingRow = {
    id: offeringId,
    slug: `bench-${offeringId}`,
    name: 'Tenor Note Bench Series',
    issuer: 'Tenor Funding I LLC',
    description: 'A note paying simple interest at maturity.',
    ...terms,
    capacityCents: count * amountOf(499),
    reservedCents: Array.from({ length: count }, (_, i) => amountOf(i)).reduce((a, b) => a + b, 0),
    minPurchaseCents: 100,
    maxPurchaseCents: 2_500_000,
    incrementCents: 1,
    opensOn,
    closesOn: settledOn,
    status: 'closed',
  }
  const investors = destinations.map((destination) => {
    const userId = newId()
    const itemId = newId()
    const plaidItemId = `bench-item-${itemId}`
    return {
      user: {
        id: userId,
        email: `${userId}@bench.example`,
        emailVerifiedAt: now,
        passwordHash: 'not a hash: these investors never sign in',
        legalName: destination.legalName,
        kycStatus: 'approved' as const,
      },
      item: {
        id: itemId,
        userId,
        plaidItemId,
        accessToken: encrypt(destination.accessToken, encryptionKeys, `plaid-item:${plaidItemId}`),
        institutionId: 'ins_109508',
        institutionName: 'First Platypus Bank',
        statusChangedAt: now,
      },
      account: {
        id: newId(),
        itemId,
        userId,
        plaidAccountId: destination.plaidAccountId,
        name: 'Plaid Checking',
        mask: '0000',
        type: 'depository',
        subtype: 'checking',
      },
    }
  })
  const ledger = createLedgerRows(now)

  await database.write(async (tx) => {
    await tx.insert(users).values(investors.map((i) => i.user))
    await tx.insert(plaidItems).values(investors.map((i) => i.item))
    await tx.insert(bankAccounts).values(investors.map((i) => i.account))
    await tx.insert(offerings).values(offering)
    const opened = ledger.add(
      openOfferingPosting({
        offeringId,
        capacityCents: offering.capacityCents,
        effectiveDate: opensOn,
      }),
    )
    await ledger.write(tx, opened)
  })

  const holdings: DueHolding[] = []
  for (let start = 0; start < count; start += batchSize) {
    const notes: (typeof purchases.$inferInsert)[] = []
    const events: (typeof purchaseEvents.$inferInsert)[] = []
    const postings: LedgerRows[] = []
    for (let i = start; i < Math.min(count, start + batchSize); i++) {
      const investor = i % investors.length
      const owner = investors[investor]
      if (!owner) throw new Error('fixture investors are missing')
      const id = newId()
      const amountCents = amountOf(i)
      notes.push({
        id,
        userId: owner.user.id,
        offeringId,
        bankAccountId: owner.account.id,
        rateBps: terms.rateBps,
        amountCents,
        state: 'active',
        authorizationId: `bench-debit-authorization-${id}`,
        decision: 'approved',
        transferId: `bench-debit-${id}`,
        settledOn,
        maturityDate: dueOn,
        maturityInstruction: 'payout',
        createdAt: now,
        updatedAt: now,
      })
      const history = [
        [null, 'initiated', 'purchase received'],
        ['initiated', 'pending', 'ACH debit created'],
        ['pending', 'active', 'ACH debit settled'],
      ] as const
      for (const [fromState, toState, reason] of history) {
        events.push({ id: newId(), purchaseId: id, fromState, toState, reason, createdAt: now })
      }
      const ref = { purchaseId: id, offeringId, userId: owner.user.id }
      postings.push(
        ledger.add(reservePurchasePosting({ ...ref, amountCents, effectiveDate: settledOn })),
        ledger.add(settlePurchasePosting({ ...ref, amountCents, effectiveDate: settledOn })),
      )
      const interestCents = calculateInterest({
        ...terms,
        principalCents: amountCents,
        startDate: settledOn,
        maturityDate: dueOn,
      })
      holdings.push({ purchaseId: id, investor, payoutCents: amountCents + interestCents })
    }
    await database.write(async (tx) => {
      for (const chunk of chunks(notes, 1000)) await tx.insert(purchases).values(chunk)
      for (const chunk of chunks(events, 2000)) await tx.insert(purchaseEvents).values(chunk)
      await ledger.write(tx, ...postings)
    })
  }

  return { holdings, maturityDate: dueOn }
}
