import { createRoute, z } from '@hono/zod-openapi'
import { errorResponse, jsonBody, jsonResponse } from '../../lib/openapi.ts'
import { rateLimitedResponse as limited } from '../../lib/rate-limit-rules.ts'
import {
  email,
  legalName,
  message,
  newPassword,
  password,
  secondFactorCode,
  token,
  user,
} from './auth.schemas.ts'

const tags = ['Accounts']
const invalid = errorResponse('Invalid input; `issues` lists each field')

export const register = createRoute({
  method: 'post',
  path: '/register',
  tags,
  summary: 'Open an account',
  description:
    'Answers the same way whether or not the email already has an account; the mailbox learns which.',
  request: { body: jsonBody(z.strictObject({ email, password: newPassword, legalName })) },
  responses: { 202: jsonResponse(message, 'Check your email'), 422: invalid, 429: limited },
})

export const verifyEmail = createRoute({
  method: 'post',
  path: '/verify-email',
  tags,
  summary: 'Confirm an email address with the emailed token',
  request: { body: jsonBody(z.strictObject({ token })) },
  responses: {
    200: jsonResponse(message, 'Email confirmed'),
    400: errorResponse('The link is invalid, used or expired'),
    422: invalid,
    429: limited,
  },
})

export const resendVerification = createRoute({
  method: 'post',
  path: '/resend-verification',
  tags,
  summary: 'Send the confirmation email again',
  request: { body: jsonBody(z.strictObject({})) },
  responses: {
    202: jsonResponse(message, 'Sent, unless the address is already confirmed'),
    401: errorResponse('Not signed in'),
    429: limited,
  },
})

const sessionAnswer = z
  .object({
    token: z.string().openapi({ description: 'Bearer token; also set as an HttpOnly cookie.' }),
    expiresAt: z.string().openapi({ format: 'date-time' }),
    twoFactorRequired: z.boolean(),
    user,
  })
  .openapi('NewSession')

export const login = createRoute({
  method: 'post',
  path: '/login',
  tags,
  summary: 'Sign in with email and password',
  description:
    'Always starts a new session. When two-factor is on, the session can only complete the two-factor step until it does.',
  request: { body: jsonBody(z.strictObject({ email, password })) },
  responses: {
    200: jsonResponse(sessionAnswer, 'Signed in'),
    401: errorResponse('Wrong email or password, or the account is locked for a while'),
    403: errorResponse(
      '`account_disabled`: the right password for an account an administrator disabled',
    ),
    422: invalid,
    429: limited,
  },
})

export const loginTwoFactor = createRoute({
  method: 'post',
  path: '/login/two-factor',
  tags,
  summary:
    'Complete sign-in with a code from the authenticator app, or a recovery code (used up, and the owner is emailed)',
  request: { body: jsonBody(z.strictObject({ code: secondFactorCode })) },
  responses: {
    200: jsonResponse(z.object({ user }), 'Signed in'),
    400: errorResponse('Wrong or reused code'),
    401: errorResponse('Not signed in'),
    422: invalid,
    429: limited,
  },
})

export const logout = createRoute({
  method: 'post',
  path: '/logout',
  tags,
  summary: 'End this session',
  request: { body: jsonBody(z.strictObject({})) },
  responses: { 200: jsonResponse(message, 'Signed out'), 401: errorResponse('Not signed in') },
})

export const logoutAll = createRoute({
  method: 'post',
  path: '/logout-all',
  tags,
  summary: 'End every session of this account, this one included',
  request: { body: jsonBody(z.strictObject({})) },
  responses: {
    200: jsonResponse(z.object({ ended: z.number().int() }), 'Signed out everywhere'),
    401: errorResponse('Not signed in'),
  },
})

export const forgotPassword = createRoute({
  method: 'post',
  path: '/forgot-password',
  tags,
  summary: 'Email a password-reset link',
  description: 'Answers the same way whether or not the email has an account.',
  request: { body: jsonBody(z.strictObject({ email })) },
  responses: { 202: jsonResponse(message, 'Check your email'), 422: invalid, 429: limited },
})

export const resetPassword = createRoute({
  method: 'post',
  path: '/reset-password',
  tags,
  summary: 'Choose a new password with the emailed token; ends every session',
  request: { body: jsonBody(z.strictObject({ token, password: newPassword })) },
  responses: {
    200: jsonResponse(message, 'Password changed'),
    400: errorResponse('The link is invalid, used or expired'),
    422: invalid,
    429: limited,
  },
})

export const checkResetToken = createRoute({
  method: 'post',
  path: '/reset-password/check',
  tags,
  summary: 'Whether an emailed reset link can still be used, before a new password is typed',
  description:
    'Answers as the reset itself would about the link (`invalid_token` for one unknown, used, expired, or sent to an address the account has since left), and changes nothing.',
  request: { body: jsonBody(z.strictObject({ token })) },
  responses: {
    200: jsonResponse(z.object({ usable: z.literal(true) }), 'The link can be used'),
    400: errorResponse('The link is invalid, used or expired'),
    422: invalid,
    429: limited,
  },
})

export const currentSession = createRoute({
  method: 'get',
  path: '/session',
  tags,
  summary: 'Who is signed in',
  responses: {
    200: jsonResponse(
      z.object({
        user,
        session: z.object({
          id: z.string(),
          twoFactorVerified: z.boolean(),
          expiresAt: z.string(),
        }),
        banksToReconnect: z.array(z.string()).openapi({
          description:
            'Names of my banks that need me to sign in to them again; purchases from them are paused until then',
        }),
      }),
      'The current session',
    ),
    401: errorResponse('Not signed in'),
  },
})
