import { createRoute, z } from '@hono/zod-openapi'
import { errorResponse, jsonBody, jsonResponse } from '../../lib/openapi.ts'
import { rateLimitedResponse as limited } from '../../lib/rate-limit-rules.ts'

const tags = ['Banks']
const signedOut = errorResponse('Not signed in')
const invalid = errorResponse('Invalid input')
const itemId = z
  .string()
  .min(1)
  .max(64)
  .openapi({ param: { name: 'itemId', in: 'path' } })

export const bankAccount = z
  .object({
    id: z.string(),
    name: z.string(),
    mask: z.string().nullable(),
    subtype: z.string().nullable(),
    status: z.enum(['active', 'closed', 'unauthorized', 'removed']),
    canFund: z.boolean().openapi({ description: 'Checking or savings, and usable for ACH.' }),
  })
  .openapi('BankAccount')

export const bank = z
  .object({
    id: z.string(),
    institutionName: z.string().nullable(),
    status: z.enum(['healthy', 'needs_reconnect', 'revoked', 'removed']),
    statusReason: z.string().nullable(),
    accounts: z.array(bankAccount),
  })
  .openapi('Bank')

export const listBanks = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'My linked banks and their accounts (names and masks only)',
  responses: {
    200: jsonResponse(z.object({ banks: z.array(bank) }), 'Linked banks'),
    401: signedOut,
  },
})

export const createLinkToken = createRoute({
  method: 'post',
  path: '/link-token',
  tags,
  summary: 'A Plaid Link token: new link, or update mode for an item that needs reconnecting',
  request: { body: jsonBody(z.strictObject({ itemId: z.string().max(64).optional() })) },
  responses: {
    200: jsonResponse(
      z.object({ linkToken: z.string(), expiration: z.string(), mode: z.enum(['new', 'update']) }),
      'Open Link with this token',
    ),
    401: signedOut,
    403: errorResponse('Confirm your email address first (`email_not_verified`)'),
    404: errorResponse('No such bank'),
    422: invalid,
    429: limited,
    503: errorResponse('Plaid is unavailable'),
  },
})

const linkedAccount = z.strictObject({
  name: z.string().max(200),
  mask: z.string().max(8).nullable(),
})

export const linkBank = createRoute({
  method: 'post',
  path: '/',
  tags,
  summary: 'Finish linking: exchange the public token from Link',
  description:
    'Send the institution and accounts from Link so a bank already linked is refused before any exchange.',
  request: {
    body: jsonBody(
      z.strictObject({
        publicToken: z.string().min(10).max(200),
        institutionId: z.string().max(64).nullable(),
        accounts: z.array(linkedAccount).max(50),
      }),
    ),
  },
  responses: {
    201: jsonResponse(z.object({ bank }), 'Linked'),
    400: errorResponse('Plaid refused the token'),
    401: signedOut,
    403: errorResponse('Confirm your email address first (`email_not_verified`)'),
    409: errorResponse(
      '`duplicate_bank`: this bank is already linked; `bank_link_used`: the public token was already exchanged (Plaid exchanges one once) or has expired',
    ),
    422: invalid,
    429: limited,
    503: errorResponse('Plaid is unavailable'),
  },
})

export const markReconnected = createRoute({
  method: 'post',
  path: '/{itemId}/reconnected',
  tags,
  summary: 'After update mode succeeds: re-check the item with Plaid and refresh its accounts',
  request: { params: z.object({ itemId }), body: jsonBody(z.strictObject({})) },
  responses: {
    200: jsonResponse(z.object({ bank }), 'The item as Plaid now sees it'),
    401: signedOut,
    404: errorResponse('No such bank'),
    429: limited,
    503: errorResponse('Plaid is unavailable'),
  },
})

export const removeBank = createRoute({
  method: 'delete',
  path: '/{itemId}',
  tags,
  summary: 'Remove a bank. History (purchases, payouts) stays intact.',
  request: { params: z.object({ itemId }), body: jsonBody(z.strictObject({})) },
  responses: {
    200: jsonResponse(z.object({ message: z.string() }), 'Removed'),
    401: signedOut,
    404: errorResponse('No such bank'),
    503: errorResponse('Plaid is unavailable'),
  },
})
