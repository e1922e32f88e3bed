import { createRoute, z } from '@hono/zod-openapi'
import { errorResponse, jsonResponse } from '../../lib/openapi.ts'

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
  summary: 'Search users by email or name (newest first)',
  request: {
    query: z.strictObject({
      query: z.string().trim().max(200).optional(),
      limit: z
        .string()
        .regex(/^[1-9][0-9]{0,2}$/, 'Use a whole number from 1 to 200.')
        .optional(),
    }),
  },
  responses: {
    200: jsonResponse(z.object({ users: z.array(adminUser) }), 'Matching users'),
    401: errorResponse('Not signed in'),
    403: errorResponse('Not an administrator, or two-factor is not on for this session'),
    422: errorResponse('Invalid query'),
  },
})
