import type { Database } from '@tenor/db'
import type { Env } from '@tenor/db/env'
import { kycProfiles, users } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'

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
