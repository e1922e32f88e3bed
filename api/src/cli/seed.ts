import { newId, openDatabase } from '@tenor/db'
import { addDays, addMonths, businessDateOf } from '@tenor/db/domain'
import { loadEnv } from '@tenor/db/env'
import { createLogger } from '@tenor/db/logger'
import { kycProfiles, offerings, users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import { taxIdAad } from '../kyc/kyc.ts'
import { encrypt } from '../lib/crypto.ts'
import { hashPassword } from '../lib/passwords.ts'
import { demoAccounts } from './demo.ts'

/**
 * Seeds a working demo: an admin (two-factor on), an investor whose email and KYC are approved,
 * and open offerings with different terms and day-count conventions. Safe to run again.
 */
const env = loadEnv()
const log = createLogger(env.logLevel, { component: 'seed' })
if (env.isProduction) {
  log.error('the demo seed only runs in development and test')
  process.exit(1)
}

const database = openDatabase(env.database)
// Offerings open and close on business dates, as purchases and maturities are dated: in the
// evening in New York the UTC date is already tomorrow's.
const now = new Date()
const today = businessDateOf(now, env.businessTimeZone)

const { admin, investor } = demoAccounts
const adminId = newId()
const investorId = newId()
const seededUsers = [
  {
    id: adminId,
    email: admin.email,
    passwordHash: await hashPassword(admin.password),
    legalName: admin.legalName,
    role: 'admin' as const,
    emailVerifiedAt: now,
    kycStatus: 'approved' as const,
    totpSecret: encrypt(admin.totpSecret, env.encryptionKeys, `totp:${adminId}`),
    totpEnabledAt: now,
  },
  {
    id: investorId,
    email: investor.email,
    passwordHash: await hashPassword(investor.password),
    legalName: investor.legalName,
    role: 'investor' as const,
    emailVerifiedAt: now,
    kycStatus: 'approved' as const,
  },
]

const base = {
  issuer: 'Tenor Funding I LLC',
  minPurchaseCents: 50_000,
  incrementCents: 10_000,
  opensOn: addDays(today, -14),
  closesOn: addDays(today, 45),
  status: 'open' as const,
}
const seededOfferings = [
  {
    ...base,
    slug: 'series-a-6m',
    name: 'Series A 6-Month Note',
    description:
      'A six-month note paying simple interest at maturity. Interest counts actual days over a 365-day year.',
    rateBps: 525,
    rateType: 'simple' as const,
    compounding: null,
    dayCount: 'act_365f' as const,
    termMonths: 6,
    capacityCents: 25_000_000,
    maxPurchaseCents: 2_500_000,
  },
  {
    ...base,
    slug: 'series-b-12m',
    name: 'Series B 12-Month Note',
    description: 'A one-year note paying simple interest at maturity on a 30/360 bond basis.',
    rateBps: 610,
    rateType: 'simple' as const,
    compounding: null,
    dayCount: 'thirty_360' as const,
    termMonths: 12,
    capacityCents: 50_000_000,
    maxPurchaseCents: 5_000_000,
  },
  {
    ...base,
    slug: 'series-c-24m',
    name: 'Series C 24-Month Compounding Note',
    description:
      'A two-year note whose interest compounds monthly, counted on an Actual/360 basis, all paid at maturity.',
    rateBps: 700,
    rateType: 'compound' as const,
    compounding: 'monthly' as const,
    dayCount: 'act_360' as const,
    termMonths: 24,
    capacityCents: 10_000_000,
    maxPurchaseCents: 1_000_000,
    minPurchaseCents: 100_000,
  },
  {
    ...base,
    // Open for eighteen months: a note of up to a year bought today can roll into it at
    // maturity; a two-year note, maturing after it closes, cannot.
    closesOn: addMonths(today, 18),
    slug: 'series-r-12m',
    name: 'Series R 12-Month Rolling Note',
    description:
      'A one-year note kept open for eighteen months, so maturing notes can roll into it. Simple interest at maturity, actual days over a 365-day year.',
    rateBps: 575,
    rateType: 'simple' as const,
    compounding: null,
    dayCount: 'act_365f' as const,
    termMonths: 12,
    capacityCents: 100_000_000,
    maxPurchaseCents: 5_000_000,
  },
  {
    ...base,
    slug: 'series-d-3m',
    name: 'Series D 3-Month Note',
    description: 'A short note for the next quarter. Still being prepared.',
    rateBps: 450,
    rateType: 'simple' as const,
    compounding: null,
    dayCount: 'act_365f' as const,
    termMonths: 3,
    capacityCents: 5_000_000,
    maxPurchaseCents: 1_000_000,
    status: 'draft' as const,
  },
]

// The demo investor's identity check, approved by the demo admin: the pages show its details.
// The tax id is the IRS's example SSN, never issued to anyone.
const investorKyc = {
  userId: investorId,
  legalName: investor.legalName,
  dateOfBirth: '1985-06-15',
  addressLine1: '1 Market Street',
  addressLine2: null,
  city: 'San Francisco',
  region: 'CA',
  postalCode: '94105',
  country: 'US',
  taxIdKind: 'ssn' as const,
  taxId: encrypt('123-45-6789', env.encryptionKeys, taxIdAad(investorId)),
  taxIdLast4: '6789',
  attestedAt: now,
  submittedAt: now,
  reviewedAt: now,
  reviewedBy: adminId,
  decisionReason: null,
}

await database.write(async (tx) => {
  for (const user of seededUsers) {
    await tx.insert(users).values(user).onConflictDoNothing({ target: users.email })
  }
  // Only when the investor was made just now: a second run finds the first run's investor.
  const seededInvestor = await tx.query.users.findFirst({ where: eq(users.id, investorId) })
  if (seededInvestor) await tx.insert(kycProfiles).values(investorKyc)
  for (const offering of seededOfferings) {
    await tx
      .insert(offerings)
      .values({ id: newId(), ...offering })
      .onConflictDoNothing({ target: offerings.slug })
  }
})
log.info('demo data ready', { users: seededUsers.length, offerings: seededOfferings.length })
database.close()
