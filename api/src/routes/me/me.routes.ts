import { createRoute, z } from '@hono/zod-openapi'
import { errorResponse, jsonBody, jsonResponse } from '../../lib/openapi.ts'
import {
  email,
  message,
  newPassword,
  password,
  secondFactorCode,
  totpCode,
  user,
} from '../auth/auth.schemas.ts'

const tags = ['Profile']
const signedOut = errorResponse('Not signed in')
/** Routes that check the password answer 429 while the account's sign-in is paused, too. */
const paused = errorResponse(
  'Too many attempts (`rate_limited`), or `password_checks_paused`: after ten wrong passwords or codes in a row, or at the daily sign-in cap, no password is checked until `retryAfter` seconds pass',
)

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
  summary:
    'A new secret to add to an authenticator app: to turn two-factor on, or, when it is on, to move to a new app (the current one works until the new one is confirmed)',
  request: { body: jsonBody(z.strictObject({})) },
  responses: {
    200: jsonResponse(
      z.object({ secret: z.string(), otpauthUri: z.string() }),
      'Scan the URI or type the secret, then confirm with a code',
    ),
    401: signedOut,
    403: errorResponse('Confirm your email address first'),
  },
})

export const enableTwoFactor = createRoute({
  method: 'post',
  path: '/two-factor/enable',
  tags,
  summary:
    'Confirm the password and a code from the new secret: two-factor turns on, or, when it is on, moves to the new app, which needs `currentCode` too; every other session ends and new recovery codes replace the old',
  request: {
    body: jsonBody(
      z.strictObject({
        password,
        code: totpCode,
        currentCode: secondFactorCode.optional().openapi({
          description:
            'Only to move two-factor, and then required: 6 digits from the current authenticator app, or a recovery code (used up). Leave it out to turn two-factor on.',
        }),
      }),
    ),
  },
  responses: {
    200: jsonResponse(
      message.extend({
        recoveryCodes: z.array(z.string()).openapi({
          description: 'Ten single-use recovery codes, shown this once; only their hashes are kept',
        }),
      }),
      'Two-factor is on',
    ),
    400: errorResponse(
      'Wrong password or code (`invalid_code`, one answer for any of them); `current_code_required` when moving without `currentCode`; `two_factor_not_enabled` when `currentCode` is sent while two-factor is off; or setup was not started (`two_factor_not_started`)',
    ),
    401: signedOut,
    403: errorResponse('Confirm your email address first'),
    422: errorResponse('Invalid input'),
    429: paused,
  },
})

export const disableTwoFactor = createRoute({
  method: 'post',
  path: '/two-factor/disable',
  tags,
  summary: 'Turn two-factor off (needs the password and a current code or a recovery code)',
  request: { body: jsonBody(z.strictObject({ password, code: secondFactorCode })) },
  responses: {
    200: jsonResponse(message, 'Two-factor is off'),
    400: errorResponse('Wrong password or code'),
    401: signedOut,
    409: errorResponse('Administrators cannot turn two-factor off'),
    422: errorResponse('Invalid input'),
    429: paused,
  },
})

export const getRecoveryCodes = createRoute({
  method: 'get',
  path: '/two-factor/recovery-codes',
  tags,
  summary: 'How many unused recovery codes are left (the codes themselves are never shown again)',
  responses: {
    200: jsonResponse(z.object({ left: z.number().int() }), 'Unused codes'),
    401: signedOut,
  },
})

export const renewRecoveryCodes = createRoute({
  method: 'post',
  path: '/two-factor/recovery-codes',
  tags,
  summary: 'Make a new set of recovery codes (the password and a code); the old set stops working',
  request: { body: jsonBody(z.strictObject({ password, code: secondFactorCode })) },
  responses: {
    200: jsonResponse(z.object({ recoveryCodes: z.array(z.string()) }), 'The new codes'),
    400: errorResponse('Wrong password or code, or two-factor is not on'),
    401: signedOut,
    422: errorResponse('Invalid input'),
    429: paused,
  },
})

export const changePassword = createRoute({
  method: 'post',
  path: '/password',
  tags,
  summary: 'Change my password (the current one is required); other sessions end',
  request: { body: jsonBody(z.strictObject({ currentPassword: password, newPassword })) },
  responses: {
    200: jsonResponse(
      z.object({ message: z.string(), sessionsEnded: z.number().int() }),
      'Changed',
    ),
    400: errorResponse('The current password is wrong'),
    401: signedOut,
    422: errorResponse(
      'Invalid input, a weak new password, or `password_unchanged` when the new password is the current one',
    ),
    429: paused,
  },
})

export const changeEmail = createRoute({
  method: 'post',
  path: '/email',
  tags,
  summary: 'Change my email address: the new one must be confirmed; the old one is told',
  request: { body: jsonBody(z.strictObject({ newEmail: email, password })) },
  responses: {
    202: jsonResponse(message, 'Check the new address for a confirmation link'),
    400: errorResponse('The password is wrong'),
    401: signedOut,
    422: errorResponse('Invalid input'),
    429: paused,
  },
})

const pendingEmail = z.object({
  pendingEmail: z
    .object({ email: z.string(), expiresAt: z.string() })
    .nullable()
    .openapi({ description: 'The address a change waits to be confirmed at; null if none.' }),
})

export const getPendingEmail = createRoute({
  method: 'get',
  path: '/email',
  tags,
  summary: 'The email change waiting for its confirmation link, if any',
  responses: {
    200: jsonResponse(pendingEmail, 'The waiting change'),
    401: signedOut,
  },
})

export const withdrawEmailChange = createRoute({
  method: 'delete',
  path: '/email',
  tags,
  summary: 'Withdraw a waiting email change: its confirmation link stops working',
  request: { body: jsonBody(z.strictObject({})) },
  responses: {
    200: jsonResponse(pendingEmail, 'Nothing waits any more'),
    401: signedOut,
  },
})

const sessionView = z
  .object({
    id: z.string(),
    userAgent: z.string().nullable(),
    createdAt: z.string(),
    lastSeenAt: z.string(),
    current: z.boolean(),
  })
  .openapi('Session')

export const listSessions = createRoute({
  method: 'get',
  path: '/sessions',
  tags,
  summary: 'My active sessions',
  responses: {
    200: jsonResponse(z.object({ sessions: z.array(sessionView) }), 'Sessions'),
    401: signedOut,
  },
})

export const revokeSession = createRoute({
  method: 'post',
  path: '/sessions/{sessionId}/revoke',
  tags,
  summary: 'Sign out one of my sessions',
  request: {
    params: z.object({
      sessionId: z
        .string()
        .min(1)
        .max(64)
        .openapi({ param: { name: 'sessionId', in: 'path' } }),
    }),
    body: jsonBody(z.strictObject({})),
  },
  responses: {
    200: jsonResponse(message, 'Signed out'),
    401: signedOut,
    404: errorResponse('No such session'),
  },
})
