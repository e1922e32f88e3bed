import { createRoute } from '@hono/zod-openapi'
import { errorResponse, jsonBody, jsonResponse } from '../../lib/openapi.ts'
import { rateLimitedResponse } from '../../lib/rate-limit-rules.ts'
import { kycSubmission, kycView } from './kyc.schemas.ts'

const tags = ['KYC']

export const getKyc = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'My identity check: status, the reason when rejected, and what I sent (masked)',
  responses: { 200: jsonResponse(kycView, 'KYC status'), 401: errorResponse('Not signed in') },
})

export const submitKyc = createRoute({
  method: 'post',
  path: '/',
  tags,
  summary: 'Submit (or, after a rejection, resubmit) identity details for review',
  request: { body: jsonBody(kycSubmission) },
  responses: {
    202: jsonResponse(kycView, 'Submitted for review'),
    401: errorResponse('Not signed in'),
    403: errorResponse('Confirm your email address first'),
    409: errorResponse('Already submitted or approved'),
    422: errorResponse('Invalid input; `issues` lists each field'),
    429: rateLimitedResponse,
  },
})
