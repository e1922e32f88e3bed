import type { Database } from '@tenor/db'
import type { Env } from '@tenor/db/env'
import { kycProfiles, users } from '@tenor/db/schema'
import { and, eq, ne } from 'drizzle-orm'
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

/**
 * The other accounts whose identity details give the same tax id as this account's: one person
 * holds one account, and a number sent twice may be a mistake or a borrowed identity, so the
 * reviewer is told. Each tax id is sealed with a nonce of its own and cannot be compared sealed;
 * those ending in the same four digits (kept in the clear, about one account in ten thousand)
 * are opened and compared as digits. One sealed with a key since retired cannot be opened and is
 * passed over.
 */
export async function findSameTaxId(database: Database, env: KycEnv, userId: string) {
  const own = await database.db.query.kycProfiles.findFirst({
    columns: { taxId: true, taxIdLast4: true },
    where: eq(kycProfiles.userId, userId),
  })
  if (!own) return []
  const digitsOf = (sealed: string, owner: string) => {
    try {
      return decrypt(sealed, env.encryptionKeys, taxIdAad(owner)).replace(/\D/g, '')
    } catch (error) {
      if (error instanceof DecryptionError) return null
      throw error
    }
  }
  const digits = digitsOf(own.taxId, userId)
  if (digits === null) return []
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
    .filter((candidate) => digitsOf(candidate.taxId, candidate.id) === digits)
    .map(({ taxId: _, ...account }) => account)
}
