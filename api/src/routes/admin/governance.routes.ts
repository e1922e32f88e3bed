import { createRoute, z } from '@hono/zod-openapi'
import { approvalStates } from '@tenor/db/schema'
import { errorResponse, jsonBody, jsonResponse } from '../../lib/openapi.ts'

const tags = ['Admin']
const denied = {
  401: errorResponse('Not signed in'),
  403: errorResponse('Not an administrator, or two-factor is not on for this session'),
}

const approval = z
  .object({
    id: z.string(),
    action: z.string(),
    targetType: z.string(),
    targetId: z.string(),
    payload: z.string(),
    state: z.enum(approvalStates),
    requestedBy: z.string(),
    requestedByEmail: z.string().nullable(),
    requestedAt: z.string(),
    decidedBy: z.string().nullable(),
    decidedByEmail: z.string().nullable(),
    decidedAt: z.string().nullable(),
    executedAt: z
      .string()
      .nullable()
      .openapi({ description: 'When an approved request was carried out; null until then' }),
    result: z.string().nullable(),
  })
  .openapi('Approval')

export const listApprovals = createRoute({
  method: 'get',
  path: '/approvals',
  tags,
  summary: 'Requests waiting for (or decided by) a second administrator',
  request: { query: z.strictObject({ state: z.enum(approvalStates).optional() }) },
  responses: {
    200: jsonResponse(z.object({ approvals: z.array(approval) }), 'Approvals'),
    ...denied,
    422: errorResponse('Invalid query'),
  },
})

const approvalId = z
  .string()
  .min(1)
  .max(64)
  .openapi({ param: { name: 'approvalId', in: 'path' } })

const decide = <P extends string, B extends z.ZodType>(path: P, summary: string, body: B) =>
  createRoute({
    method: 'post',
    path,
    tags,
    summary,
    request: { params: z.object({ approvalId }), body: jsonBody(body) },
    responses: {
      200: jsonResponse(
        z.object({
          state: z.enum(['executed', 'rejected', 'failed']).openapi({
            description:
              'failed: the decision is recorded but its action stopped on an error; ask again',
          }),
          result: z.string(),
        }),
        'Decided',
      ),
      ...denied,
      404: errorResponse('No such request'),
      409: errorResponse(
        'Already decided (`already_decided`), being carried out already (`approval_in_progress`), your own request (`same_admin`), or, to approve, a request about your own note (`own_purchase`) or one asked by someone no longer an administrator (`requester_not_admin`)',
      ),
    },
  })

export const approve = decide(
  '/approvals/{approvalId}/approve',
  'Approve and carry out a request made by another administrator',
  z.strictObject({}),
)
export const reject = decide(
  '/approvals/{approvalId}/reject',
  'Reject a request made by another administrator, saying why if it helps the asker',
  z.strictObject({
    reason: z
      .string()
      .trim()
      .max(500, 'At most 500 characters.')
      .optional()
      .openapi({ description: 'Kept with the request and shown to the asker' }),
  }),
)

export const withdraw = createRoute({
  method: 'post',
  path: '/approvals/{approvalId}/withdraw',
  tags,
  summary: 'Take back your own request while it still waits for a decision',
  request: { params: z.object({ approvalId }), body: jsonBody(z.strictObject({})) },
  responses: {
    200: jsonResponse(z.object({ state: z.literal('withdrawn') }), 'Withdrawn'),
    ...denied,
    404: errorResponse('No such request'),
    409: errorResponse("Already decided, or another administrator's request"),
  },
})

export const listAudit = createRoute({
  method: 'get',
  path: '/audit',
  tags,
  summary: 'The audit trail, newest first: who did what, when, before and after',
  request: {
    query: z.strictObject({
      targetId: z.string().max(64).optional(),
      limit: z
        .string()
        .regex(/^[1-9][0-9]{0,2}$/)
        .optional(),
    }),
  },
  responses: {
    200: jsonResponse(
      z.object({
        events: z.array(
          z.object({
            id: z.string(),
            adminId: z.string(),
            adminEmail: z.string().nullable(),
            action: z.string(),
            targetType: z.string(),
            targetId: z.string(),
            before: z.string().nullable(),
            after: z.string().nullable(),
            createdAt: z.string(),
          }),
        ),
      }),
      'Audit events',
    ),
    ...denied,
    422: errorResponse('Invalid query'),
  },
})
