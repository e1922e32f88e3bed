import type { RouteHandler } from '@hono/zod-openapi'
import { kycProfiles, offerings, purchases, users } from '@tenor/db/schema'
import { and, asc, desc, eq, or } from 'drizzle-orm'
import { recordAudit } from '../../admin/audit.ts'
import type { AppDeps, AuthedEnv } from '../../context.ts'
import { findSameTaxId, findSharedTaxIds, readKyc } from '../../kyc/kyc.ts'
import * as emails from '../../lib/emails.ts'
import { ApiError, notFound } from '../../lib/errors.ts'
import { contains } from '../../lib/like.ts'
import { enqueueEmail } from '../../lib/outbox.ts'
import { listBanks } from '../../plaid/banks.ts'
import type * as routes from './admin.routes.ts'

type UserRow = typeof users.$inferSelect

export function toAdminUser(row: UserRow) {
  return {
    id: row.id,
    email: row.email,
    legalName: row.legalName,
    role: row.role,
    status: row.status,
    emailVerified: row.emailVerifiedAt !== null,
    kycStatus: row.kycStatus,
    twoFactorEnabled: row.totpEnabledAt !== null,
    createdAt: row.createdAt.toISOString(),
  }
}

export function createAdminHandlers(deps: AppDeps) {
  const { database, clock, env } = deps

  const listUsers: RouteHandler<typeof routes.listUsers, AuthedEnv> = async (c) => {
    const { query, kycStatus, limit } = c.req.valid('query')
    // Checks waiting for review are a queue: the longest waiting first.
    const queue = kycStatus === 'submitted'
    const rows = await database.db
      .select({ user: users, submittedAt: kycProfiles.submittedAt })
      .from(users)
      .leftJoin(kycProfiles, eq(kycProfiles.userId, users.id))
      .where(
        and(
          query ? or(contains(users.email, query), contains(users.legalName, query)) : undefined,
          kycStatus ? eq(users.kycStatus, kycStatus) : undefined,
        ),
      )
      .orderBy(...(queue ? [asc(kycProfiles.submittedAt), asc(users.id)] : [desc(users.createdAt)]))
      .limit(Math.min(Number(limit ?? 50), 200))
    // A check to review says whether its tax id was also sent from another account.
    const shared = queue
      ? await findSharedTaxIds(
          database,
          env,
          rows.map((row) => row.user.id),
        )
      : null
    return c.json(
      {
        users: rows.map((row) => ({
          ...toAdminUser(row.user),
          ...(shared ? { sharesTaxId: shared.has(row.user.id) } : {}),
          ...(queue && row.submittedAt ? { kycSubmittedAt: row.submittedAt.toISOString() } : {}),
        })),
      },
      200,
    )
  }

  const getUser: RouteHandler<typeof routes.getUser, AuthedEnv> = async (c) => {
    const { userId } = c.req.valid('param')
    const row = await database.db.query.users.findFirst({ where: eq(users.id, userId) })
    if (!row) throw notFound('user')
    const [kyc, sameTaxId, banks, holdings] = await Promise.all([
      readKyc(database, userId),
      findSameTaxId(database, env, userId),
      listBanks(database, userId),
      database.db
        .select({ purchase: purchases, slug: offerings.slug, offeringName: offerings.name })
        .from(purchases)
        .innerJoin(offerings, eq(offerings.id, purchases.offeringId))
        .where(eq(purchases.userId, userId))
        .orderBy(desc(purchases.createdAt)),
    ])
    return c.json(
      {
        user: toAdminUser(row),
        kyc,
        sameTaxId,
        banks,
        holdings: holdings.map(({ purchase, slug, offeringName }) => ({
          purchaseId: purchase.id,
          offeringSlug: slug,
          offeringName,
          amountCents: purchase.amountCents,
          state: purchase.state,
          maturityDate: purchase.maturityDate,
          createdAt: purchase.createdAt.toISOString(),
        })),
      },
      200,
    )
  }

  const decideKyc: RouteHandler<typeof routes.decideKyc, AuthedEnv> = async (c) => {
    const { userId } = c.req.valid('param')
    const input = c.req.valid('json')
    const admin = c.get('user')
    const now = clock.now()
    const investor = await database.db.query.users.findFirst({ where: eq(users.id, userId) })
    if (!investor) throw notFound('user')
    if (investor.id === admin.id) {
      throw new ApiError(409, 'own_account', 'Ask another administrator to check your identity.')
    }

    const approve = input.decision === 'approve'
    const reason = input.decision === 'reject' ? input.reason : null
    const decided = await database.write(async (tx) => {
      // The decision is on the details the administrator read: details sent again since (after
      // a rejection, while another administrator still had the old ones open) are not decided.
      const profile = await tx.query.kycProfiles.findFirst({
        where: eq(kycProfiles.userId, userId),
        columns: { submittedAt: true },
      })
      if (profile && profile.submittedAt.getTime() !== Date.parse(input.submittedAt)) {
        return 'changed'
      }
      const moved = await tx
        .update(users)
        .set({
          kycStatus: approve ? 'approved' : 'rejected',
          kycRejectionReason: reason,
          updatedAt: now,
        })
        .where(and(eq(users.id, userId), eq(users.kycStatus, 'submitted')))
        // Addressed as the decision finds the investor: an address changed since the read above
        // gets the email, not the one it replaced.
        .returning({ email: users.email, legalName: users.legalName })
        .get()
      if (!moved) return 'not_submitted'
      await tx
        .update(kycProfiles)
        .set({ reviewedAt: now, reviewedBy: admin.id, decisionReason: reason })
        .where(eq(kycProfiles.userId, userId))
      await recordAudit(tx, {
        adminId: admin.id,
        action: approve ? 'kyc.approve' : 'kyc.reject',
        targetType: 'user',
        targetId: userId,
        before: { kycStatus: 'submitted' },
        after: { kycStatus: approve ? 'approved' : 'rejected', reason },
        at: now,
      })
      const content = approve
        ? emails.kycApproved(moved.legalName, `${env.publicUrl}/offerings`)
        : emails.kycRejected(moved.legalName, reason ?? '', `${env.publicUrl}/kyc`)
      await enqueueEmail(
        tx,
        {
          kind: approve ? 'kyc_approved' : 'kyc_rejected',
          dedupeKey: `kyc-decision:${userId}:${now.getTime()}`,
          userId,
          to: moved.email,
          ...content,
        },
        now,
      )
      return 'decided'
    })
    if (decided === 'changed') {
      throw new ApiError(
        409,
        'kyc_changed',
        'The investor sent new details since you opened this identity check. Review them again.',
      )
    }
    if (decided === 'not_submitted') {
      throw new ApiError(
        409,
        'kyc_not_submitted',
        'This user has no identity check waiting for review.',
      )
    }
    c.get('log').info('kyc decided', { adminId: admin.id, userId, decision: input.decision })
    return c.json({ kyc: await readKyc(database, userId) }, 200)
  }

  return { listUsers, getUser, decideKyc }
}
