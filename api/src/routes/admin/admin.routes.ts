import { createRoute, z } from '@hono/zod-openapi'
import { errorResponse, jsonBody, jsonResponse } from '../../lib/openapi.ts'
import { bank } from '../banks/banks.routes.ts'
import { kycView } from '../kyc/kyc.schemas.ts'

const tags = ['Admin']

export const adminUser = z
  .object({
    id: z.string(),
    email: z.string(),
    legalName: z.string(),
    role: z.enum(['investor', 'admin']),
    status: z.enum(['active', 'disabled']),
    emailVerified: z.boolean(),
    kycStatus: z.enum(['none', 'submitted', 'approved', 'rejected']),
    twoFactorEnabled: z.boolean(),
    createdAt: z.string(),
  })
  .openapi('AdminUser')

export const listUsers = createRoute({
  method: 'get',
  path: '/users',
  tags,
  summary:
    'Search users by email or name, and by identity check status (newest first; those waiting for review, the longest waiting first)',
  request: {
    query: z.strictObject({
      query: z.string().trim().max(200).optional(),
      kycStatus: z.enum(['none', 'submitted', 'approved', 'rejected']).optional(),
      limit: z
        .string()
        .regex(/^[1-9][0-9]{0,2}$/, 'Use a whole number from 1 to 200.')
        .optional(),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({
        users: z.array(
          adminUser.extend({
            sharesTaxId: z.boolean().optional().openapi({
              description:
                'Listing the checks waiting for review (`kycStatus=submitted`): whether another account sent the same tax id (the number is never answered)',
            }),
            kycSubmittedAt: z.string().optional().openapi({
              description:
                'Listing the checks waiting for review (`kycStatus=submitted`): when the details were sent, which orders the queue',
            }),
          }),
        ),
      }),
      'Matching users',
    ),
    401: errorResponse('Not signed in'),
    403: errorResponse('Not an administrator, or two-factor is not on for this session'),
    422: errorResponse('Invalid query'),
  },
})

const userId = z
  .string()
  .min(1)
  .max(64)
  .openapi({ param: { name: 'userId', in: 'path' } })

export const getUser = createRoute({
  method: 'get',
  path: '/users/{userId}',
  tags,
  summary: 'One user with KYC (tax id masked), banks (masks only) and holdings',
  request: { params: z.object({ userId }) },
  responses: {
    200: jsonResponse(
      z.object({
        user: adminUser,
        kyc: kycView,
        sameTaxId: z
          .array(
            z.object({
              id: z.string(),
              email: z.string(),
              legalName: z.string().openapi({ description: 'As sent with their identity details' }),
              kycStatus: adminUser.shape.kycStatus,
            }),
          )
          .openapi({
            description:
              'Other accounts whose identity details give the same tax id (the number is never shown).',
          }),
        banks: z.array(bank).openapi({ description: 'Account names and masks only.' }),
        holdings: z.array(
          z.object({
            purchaseId: z.string(),
            offeringSlug: z.string(),
            offeringName: z.string(),
            amountCents: z.number().int(),
            state: z.string(),
            maturityDate: z.string().nullable(),
            createdAt: z.string().openapi({ description: 'When it was bought' }),
          }),
        ),
      }),
      'The user',
    ),
    401: errorResponse('Not signed in'),
    403: errorResponse('Not an administrator, or two-factor is not on for this session'),
    404: errorResponse('No such user'),
  },
})

/** The submission the administrator reviewed, as `kyc.profile.submittedAt` gave it. */
const reviewedSubmission = z.iso
  .datetime('Reload the identity check and review it again.')
  .openapi({
    description:
      'The `submittedAt` of the details reviewed: a decision on details the investor has replaced since is refused (409 `kyc_changed`)',
  })

export const decideKyc = createRoute({
  method: 'post',
  path: '/users/{userId}/kyc',
  tags,
  summary: 'Approve or reject a submitted identity check; the investor is emailed',
  request: {
    params: z.object({ userId }),
    body: jsonBody(
      z.discriminatedUnion('decision', [
        z.strictObject({ decision: z.literal('approve'), submittedAt: reviewedSubmission }),
        z.strictObject({
          decision: z.literal('reject'),
          submittedAt: reviewedSubmission,
          reason: z.string().trim().min(5, 'Say why, in words the investor understands.').max(500),
        }),
      ]),
    ),
  },
  responses: {
    200: jsonResponse(z.object({ kyc: kycView }), 'Decided'),
    401: errorResponse('Not signed in'),
    403: errorResponse('Not an administrator, or two-factor is not on for this session'),
    404: errorResponse('No such user'),
    409: errorResponse(
      'Nothing is waiting for review (`kyc_not_submitted`), the investor sent new details since (`kyc_changed`), or it is your own identity check',
    ),
    422: errorResponse('Invalid input'),
  },
})

const adminAction = <B extends z.ZodType>(summary: string, body: B, ok: string) =>
  ({
    method: 'post',
    tags,
    summary,
    request: { params: z.object({ userId }), body: jsonBody(body) },
    responses: {
      200: jsonResponse(z.object({ user: adminUser }), ok),
      401: errorResponse('Not signed in'),
      403: errorResponse('Not an administrator, or two-factor is not on for this session'),
      404: errorResponse('No such user'),
      409: errorResponse('Not allowed on this account (your own, or the last administrator)'),
      422: errorResponse('Invalid input'),
    },
  }) as const

export const disableUser = createRoute({
  ...adminAction(
    'Disable an account; its sessions end at once. The reason is kept in the audit trail',
    z.strictObject({
      reason: z.string().trim().min(5, 'Say why, for the audit trail.').max(500),
    }),
    'Disabled',
  ),
  path: '/users/{userId}/disable',
})

export const enableUser = createRoute({
  ...adminAction('Re-enable a disabled account', z.strictObject({}), 'Enabled'),
  path: '/users/{userId}/enable',
})

export const setRole = createRoute({
  method: 'post',
  tags,
  summary: 'Grant or revoke the admin role',
  description:
    'Revoking takes effect at once. Granting needs a second administrator: it answers 202 with ' +
    'the request, which another administrator approves in `/admin/approvals`, so no one ' +
    'administrator can make another and then approve their own requests through it.',
  request: {
    params: z.object({ userId }),
    body: jsonBody(z.strictObject({ role: z.enum(['investor', 'admin']) })),
  },
  path: '/users/{userId}/role',
  responses: {
    200: jsonResponse(
      z.object({ user: adminUser }),
      'Revoked, at once (or the account had the role already)',
    ),
    202: jsonResponse(
      z.object({ approvalId: z.string(), state: z.literal('pending') }),
      'Grant requested; another administrator must approve it',
    ),
    401: errorResponse('Not signed in'),
    403: errorResponse('Not an administrator, or two-factor is not on for this session'),
    404: errorResponse('No such user'),
    409: errorResponse(
      'Not allowed on this account (your own, or the last administrator), or a grant is already waiting',
    ),
    422: errorResponse('Invalid input'),
  },
})
