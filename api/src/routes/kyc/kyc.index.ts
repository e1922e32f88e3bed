import { z } from '@hono/zod-openapi'
import { businessDateOf } from '@tenor/db/domain'
import { kycProfiles, users } from '@tenor/db/schema'
import { and, eq, inArray } from 'drizzle-orm'
import type { AppDeps, AuthedEnv } from '../../context.ts'
import { readKyc, taxIdAad } from '../../kyc/kyc.ts'
import { encrypt } from '../../lib/crypto.ts'
import { ApiError, emailNotVerified } from '../../lib/errors.ts'
import {
  createRouter,
  refusedInput,
  validationFailed,
  validationIssues,
} from '../../lib/openapi.ts'
import { rateLimitRules } from '../../lib/rate-limit-rules.ts'
import { rateLimit } from '../../middleware/rate-limit.ts'
import { requireUser } from '../../middleware/session.ts'
import * as routes from './kyc.routes.ts'

const minimumAgeYears = 18
// A date of birth further back is a mistyped year, not an investor.
const maximumAgeYears = 120

/** Whole years between a date of birth and a business date, both `YYYY-MM-DD`. */
export function ageOn(dateOfBirth: string, today: string): number {
  const [by = NaN, bm = NaN, bd = NaN] = dateOfBirth.split('-').map(Number)
  const [ty = NaN, tm = NaN, td = NaN] = today.split('-').map(Number)
  // Year 0000 is a year (a mistyped one): only what is not a number at all has no age.
  if ([by, bm, bd, ty, tm, td].some(Number.isNaN)) return -1
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0)
}

/** Why a date of birth (`YYYY-MM-DD`) cannot be an investor's on the business date `today`. */
export function dateOfBirthProblem(dateOfBirth: string, today: string): string | null {
  // Both `YYYY-MM-DD`, so they compare as text.
  if (dateOfBirth > today) return 'That date is in the future. Enter your date of birth.'
  const age = ageOn(dateOfBirth, today)
  if (age < minimumAgeYears) return `You must be at least ${minimumAgeYears} to invest.`
  if (age > maximumAgeYears) {
    return `Check the year of birth: it is more than ${maximumAgeYears} years ago.`
  }
  return null
}

export function createKycRoutes(deps: AppDeps) {
  const { database, env, clock } = deps
  const router = createRouter<AuthedEnv>()
  router.use(requireUser(), rateLimit(deps, rateLimitRules.kycByUser))
  // Birthdays come by the business calendar, as every other date here does.
  const ageProblemToday = (dateOfBirth: string) =>
    dateOfBirthProblem(dateOfBirth, businessDateOf(clock.now(), env.businessTimeZone))

  return router
    .openapi(routes.getKyc, async (c) => c.json(await readKyc(database, c.get('user').id), 200))
    .openapi(
      routes.submitKyc,
      async (c) => {
        const input = c.req.valid('json')
        const user = c.get('user')
        if (!user.emailVerified) {
          throw emailNotVerified('Confirm your email address first.')
        }
        const now = clock.now()
        const ageProblem = ageProblemToday(input.dateOfBirth)
        if (ageProblem) {
          throw new ApiError(422, 'validation_failed', 'Some fields are missing or invalid.', {
            issues: [{ path: 'dateOfBirth', message: ageProblem }],
          })
        }

        const sealed = encrypt(input.taxId, env.encryptionKeys, taxIdAad(user.id))
        const row = {
          userId: user.id,
          legalName: input.legalName,
          dateOfBirth: input.dateOfBirth,
          addressLine1: input.address.line1,
          addressLine2: input.address.line2 ?? null,
          city: input.address.city,
          region: input.address.region,
          postalCode: input.address.postalCode,
          country: 'US',
          taxIdKind: input.taxIdKind,
          taxId: sealed,
          taxIdLast4: input.taxId.slice(-4),
          attestedAt: now,
          submittedAt: now,
          reviewedAt: null,
          reviewedBy: null,
          decisionReason: null,
        }
        const accepted = await database.write(async (tx) => {
          // Only from "none" or "rejected": a submission under review or approved stays as it is.
          const moved = await tx
            .update(users)
            .set({
              kycStatus: 'submitted',
              kycRejectionReason: null,
              legalName: input.legalName,
              updatedAt: now,
            })
            .where(and(eq(users.id, user.id), inArray(users.kycStatus, ['none', 'rejected'])))
          if (moved.rowsAffected !== 1) return false
          await tx
            .insert(kycProfiles)
            .values(row)
            .onConflictDoUpdate({ target: kycProfiles.userId, set: row })
          return true
        })
        if (!accepted) {
          throw new ApiError(
            409,
            'kyc_already_submitted',
            'Your details are already under review or approved.',
          )
        }
        c.get('log').info('kyc submitted', { userId: user.id })
        return c.json(await readKyc(database, user.id), 202)
      },
      (result, c) => {
        if (result.success) return
        // A well-formed date of birth is judged with the other fields' problems, not after them,
        // so one submission names every one.
        const issues = validationIssues(result.error)
        const sent = refusedInput(result) as { dateOfBirth?: unknown } | null | undefined
        const formed = z.iso.date().safeParse(sent?.dateOfBirth)
        const ageProblem = formed.success ? ageProblemToday(formed.data) : null
        if (ageProblem && !issues.some((issue) => issue.path === 'dateOfBirth')) {
          issues.push({ path: 'dateOfBirth', message: ageProblem })
        }
        return validationFailed(c, issues)
      },
    )
}
