import { z } from '@hono/zod-openapi'
import {
  checkNewPassword,
  passwordMaxLength,
  passwordMinLength,
  passwordProblemMessages,
} from '../../lib/passwords.ts'
import { normalizeRecoveryCode } from '../../lib/recovery-codes.ts'
import { isAuthenticatorCode } from '../../lib/second-factor.ts'

/** Emails are compared in one canonical form: NFKC, trimmed, lowercased. */
export const email = z
  .string()
  .transform((value) => value.normalize('NFKC').trim().toLowerCase())
  .pipe(
    z
      .string()
      .min(1, 'Enter your email address.')
      .pipe(z.email({ message: 'Enter a valid email address.' }).max(254)),
  )
  .openapi({ example: 'ada@example.com', type: 'string', format: 'email' })

// Exactly as typed: no trimming or normalisation, so what was chosen is what is checked.
export const password = z
  .string()
  .min(1, 'Enter your password.')
  .max(passwordMaxLength * 4)
  .openapi({ example: 'correct horse battery staple pasture', format: 'password' })

/**
 * A password being chosen: length and the common-password list are checked here, with the other
 * fields; closeness to the user's own name and email is checked by the handler, which knows them.
 */
export const newPassword = z
  .string()
  .superRefine((value, ctx) => {
    const problem = checkNewPassword(value)
    if (problem) ctx.addIssue({ code: 'custom', message: passwordProblemMessages[problem] })
  })
  .openapi({
    format: 'password',
    minLength: passwordMinLength,
    maxLength: passwordMaxLength,
    description: `At least ${passwordMinLength} characters; no composition rules; common and breached passwords are refused.`,
  })

export const legalName = z
  .string()
  .transform((value) => value.normalize('NFC').trim().replace(/\s+/g, ' '))
  .pipe(
    z
      .string()
      .min(2, 'Enter your full legal name.')
      .max(200)
      .regex(
        // Letters of any script with their accents, spaces, and the punctuation names carry
        // (Jr., O'Brien or O‘Brien, Anne-Marie, Marcel·lí, ジョン・スミス); no digits, symbols
        // or emoji.
        /^\p{L}[\p{L}\p{M} .,'‘’\-\u2010\u2011·・]*$/u,
        "Use letters, spaces and ordinary punctuation (. , ' -) only.",
      ),
  )
  .openapi({ example: 'Ada Lovelace', type: 'string' })

export const token = z
  .string()
  .min(20)
  .max(100)
  .openapi({ description: 'The token from the email link.' })

export const totpCode = z
  .string()
  .regex(/^\d{6}$/, 'Enter the 6-digit code.')
  .openapi({ example: '123456' })

/** A code from the authenticator app, or one of the account's recovery codes. */
export const secondFactorCode = z
  .string()
  .trim()
  .max(32)
  .refine(
    (code) => isAuthenticatorCode(code) || normalizeRecoveryCode(code) !== null,
    'Enter the 6-digit code from your app, or a recovery code.',
  )
  .openapi({
    example: '123456',
    description: '6 digits from the authenticator app, or a recovery code like `7hq2m-x9c4d`',
  })

export const user = z
  .object({
    id: z.string(),
    email: z.string(),
    legalName: z.string(),
    role: z.enum(['investor', 'admin']),
    emailVerified: z.boolean(),
    kycStatus: z.enum(['none', 'submitted', 'approved', 'rejected']),
    twoFactorEnabled: z.boolean(),
  })
  .openapi('User')

export const message = z.object({ message: z.string() }).openapi('Message')
