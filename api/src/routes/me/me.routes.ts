import { createRoute, z } from '@hono/zod-openapi'
import { errorResponse, jsonBody, jsonResponse } from '../../lib/openapi.ts'
import { message, password, totpCode, user } from '../auth/auth.schemas.ts'

const tags = ['Profile']
const signedOut = errorResponse('Not signed in')

export const getMe = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'My profile',
  responses: { 200: jsonResponse(z.object({ user }), 'The signed-in user'), 401: signedOut },
})

export const startTwoFactor = createRoute({
  method: 'post',
  path: '/two-factor/setup',
  tags,
  summary: 'Start turning on two-factor: returns a new secret to add to an authenticator app',
  request: { body: jsonBody(z.strictObject({})) },
  responses: {
    200: jsonResponse(
      z.object({ secret: z.string(), otpauthUri: z.string() }),
      'Scan the URI or type the secret, then confirm with a code',
    ),
    401: signedOut,
    409: errorResponse('Two-factor is already on'),
  },
})

export const enableTwoFactor = createRoute({
  method: 'post',
  path: '/two-factor/enable',
  tags,
  summary: 'Confirm the first code and turn two-factor on',
  request: { body: jsonBody(z.strictObject({ code: totpCode })) },
  responses: {
    200: jsonResponse(message, 'Two-factor is on'),
    400: errorResponse('Wrong code, or setup was not started'),
    401: signedOut,
    422: errorResponse('Invalid input'),
  },
})

export const disableTwoFactor = createRoute({
  method: 'post',
  path: '/two-factor/disable',
  tags,
  summary: 'Turn two-factor off (needs the password and a current code)',
  request: { body: jsonBody(z.strictObject({ password, code: totpCode })) },
  responses: {
    200: jsonResponse(message, 'Two-factor is off'),
    400: errorResponse('Wrong password or code'),
    401: signedOut,
    409: errorResponse('Administrators cannot turn two-factor off'),
    422: errorResponse('Invalid input'),
  },
})
