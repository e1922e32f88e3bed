import type { Database } from '@tenor/db'
import type { Env } from '@tenor/db/env'
import { kycProfiles, users } from '@tenor/db/schema'
import { and, eq, inArray, ne } from 'drizzle-orm'
import { DecryptionError, decrypt } from '../lib/crypto.ts'

/** What an investor (or an admin) sees of a KYC record: the tax id only as its last four. */
export async function readKyc(database: Database, userId: string) {
  const user = await database.db.query.users.findFirst({ where: eq(users.id, userId) })
  const profile = await database.db.query.kycProfiles.findFirst({
    where: eq(kycProfiles.userId, userId),
  })
  return {
    status: user?.kycStatus ?? 'none',
    rejectionReason: user?.kycStatus === 'rejected' ? (user.kycRejectionReason ?? null) : null,
    profile: profile
      ? {
          legalName: profile.legalName,
          dateOfBirth: profile.dateOfBirth,
          address: {
            line1: profile.addressLine1,
            line2: profile.addressLine2,
            city: profile.city,
            region: profile.region,
            postalCode: profile.postalCode,
          },
          taxIdKind: profile.taxIdKind,
          taxIdMasked: `•••-••-${profile.taxIdLast4}`,
          submittedAt: profile.submittedAt.toISOString(),
        }
      : null,
  } as const
}

/** Associated data binding a sealed tax id to its owner: it cannot be moved to another row. */
export const taxIdAad = (userId: string) => `tax-id:${userId}`

export type KycEnv = Pick<Env, 'encryptionKeys'>

/** A sealed tax id's digits; null for one sealed with a key since retired, which cannot open. */
function openTaxIdDigits(env: KycEnv, sealed: string, owner: string): string | null {
  try {
    return decrypt(sealed, env.encryptionKeys, taxIdAad(owner)).replace(/\D/g, '')
  } catch (error) {
    if (error instanceof DecryptionError) return null
    throw error
  }
}

/*
 * One person holds one account, and a tax id sent from two may be a mistake or a borrowed
 * identity, so the reviewer is told. Each tax id is sealed with a nonce of its own and cannot be
 * compared sealed: those ending in the same four digits (kept in the clear, about one account
 * in ten thousand) are opened and compared as digits. The number itself is never answered.
 */

/** The other accounts whose identity details give the same tax id as this account's. */
export async function findSameTaxId(database: Database, env: KycEnv, userId: string) {
  const own = await database.db.query.kycProfiles.findFirst({
    columns: { taxId: true, taxIdLast4: true },
    where: eq(kycProfiles.userId, userId),
  })
  const digits = own ? openTaxIdDigits(env, own.taxId, userId) : null
  if (!own || digits === null) return []
  const candidates = await database.db
    .select({
      id: users.id,
      email: users.email,
      legalName: kycProfiles.legalName,
      kycStatus: users.kycStatus,
      taxId: kycProfiles.taxId,
    })
    .from(kycProfiles)
    .innerJoin(users, eq(users.id, kycProfiles.userId))
    .where(and(eq(kycProfiles.taxIdLast4, own.taxIdLast4), ne(kycProfiles.userId, userId)))
  return candidates
    .filter((candidate) => openTaxIdDigits(env, candidate.taxId, candidate.id) === digits)
    .map(({ taxId: _, ...account }) => account)
}

/** Which of `userIds` sent a tax id another account also sent: for a list of checks to review. */
export async function findSharedTaxIds(
  database: Database,
  env: KycEnv,
  userIds: readonly string[],
): Promise<Set<string>> {
  const shared = new Set<string>()
  if (userIds.length === 0) return shared
  const listed = await database.db
    .selectDistinct({ last4: kycProfiles.taxIdLast4 })
    .from(kycProfiles)
    .where(inArray(kycProfiles.userId, [...userIds]))
  if (listed.length === 0) return shared
  const candidates = await database.db
    .select({ userId: kycProfiles.userId, taxId: kycProfiles.taxId })
    .from(kycProfiles)
    .where(
      inArray(
        kycProfiles.taxIdLast4,
        listed.map((row) => row.last4),
      ),
    )
  const byDigits = new Map<string, string[]>()
  for (const candidate of candidates) {
    const digits = openTaxIdDigits(env, candidate.taxId, candidate.userId)
    if (digits !== null) byDigits.set(digits, [...(byDigits.get(digits) ?? []), candidate.userId])
  }
  const asked = new Set(userIds)
  for (const owners of byDigits.values()) {
    if (owners.length > 1) for (const owner of owners) if (asked.has(owner)) shared.add(owner)
  }
  return shared
}
