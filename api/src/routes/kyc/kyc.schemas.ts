import { z } from '@hono/zod-openapi'
import { legalName } from '../auth/auth.schemas.ts'

/** US states, the District of Columbia and the territories whose residents may invest. */
export const usRegions = [
  'AL',
  'AK',
  'AZ',
  'AR',
  'CA',
  'CO',
  'CT',
  'DE',
  'DC',
  'FL',
  'GA',
  'HI',
  'ID',
  'IL',
  'IN',
  'IA',
  'KS',
  'KY',
  'LA',
  'ME',
  'MD',
  'MA',
  'MI',
  'MN',
  'MS',
  'MO',
  'MT',
  'NE',
  'NV',
  'NH',
  'NJ',
  'NM',
  'NY',
  'NC',
  'ND',
  'OH',
  'OK',
  'OR',
  'PA',
  'RI',
  'SC',
  'SD',
  'TN',
  'TX',
  'UT',
  'VT',
  'VA',
  'WA',
  'WV',
  'WI',
  'WY',
  'PR',
  'GU',
  'VI',
  'AS',
  'MP',
] as const

/**
 * An address line as the post office writes it. Compatibility forms are folded (full-width
 * "ＰＯ" is "PO"; "12½" is "12 1/2", as USPS writes a fractional house number), typographic
 * quotes and dashes become plain ones, and then only letters of the Latin alphabet as addresses
 * use them (accents included, and the Hawaiian ʻokina), digits and address punctuation are
 * taken. Letters of other scripts, small capitals, superscripts, invisible characters and loose
 * combining marks are refused: they could dress a P.O. box up as something else, or change a
 * house number when folded.
 */
const lineCharacters =
  /^[A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u017F\u1E00-\u1EFFʻ0-9 .,;#'"&/():-]*$/u

const line = (max: number, message: string) =>
  z
    .string()
    .transform((value) =>
      value
        // Superscript and subscript digits would fold into the number beside them ("2²" is not
        // "22"), as would circled ones and the like ("1②", "1⒉"): they are kept as a character
        // the pattern below refuses.
        .replace(/[\u00B2\u00B3\u00B9\u2070-\u209F]/g, '\uFFFD')
        .replace(/[^\p{Nd}\u00BC-\u00BE\u2150-\u215E]/gu, (c) =>
          /^\d|\d$/.test(c.normalize('NFKC')) ? '\uFFFD' : c,
        )
        // Any digit, full-width ones too: "１２½" folded without the space is "121/2".
        .replace(/(\p{Nd})([\u00BC-\u00BE\u2150-\u215E])/gu, '$1 $2')
        .normalize('NFKC')
        .replace(/[‘’ʼ′]/g, "'")
        .replace(/[“”″]/g, '"')
        .replace(/[‐‑‒–—]/g, '-')
        .replace(/⁄/g, '/')
        .trim()
        .replace(/\s+/g, ' '),
    )
    .pipe(
      z
        .string()
        .min(1, message)
        .max(max)
        // An empty line is told only that it is missing (above).
        .regex(lineCharacters, 'Use letters, digits and the punctuation . , ; # \' " & / ( ) : -'),
    )

// Letters of "P.O." may be split by punctuation or spaces, or by nothing at all.
const gap = String.raw`[\s.,;:#'"/()&\-]*`

/**
 * "PO Box", "P.O. Box", "Post Office Box", "Postal Box", "Post Box" and "POB 12" in any case,
 * spaced and dotted or not. A bare POB counts only before a number (or alone), so "Pobrecito
 * Way" and "Box Elder Rd" pass.
 */
const poBoxPattern = new RegExp(
  String.raw`\b(?:p${gap}o${gap}box(?![a-z])|post(?:${gap}office|al)?${gap}box(?![a-z])|p${gap}o${gap}b${gap}(?=[#\d]|$))`,
  'i',
)

/**
 * A line as letters alone, for the P.O. box check: accents set aside ("Pó" is "Po"), letters
 * with a stroke and a zero read as the O they pass for.
 */
function plainLetters(line: string): string {
  return line
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[øØ0]/g, 'o')
    .replace(/[đĐ]/g, 'd')
    .replace(/[łŁ]/g, 'l')
}

/** A P.O. box is a mailbox, not a residence: identity checks need where the investor lives. */
export function isPoBox(line: string): boolean {
  return poBoxPattern.test(plainLetters(line))
}

const streetLine = (message: string) =>
  line(200, message).refine((value) => !isPoBox(value), {
    message: 'Enter the street address where you live; a P.O. box cannot be used.',
    // A line refused for its characters is not then also judged as a P.O. box. (Not by
    // aborting the line: an aborted field would keep the tax id from being judged with it.)
    when: ({ value }) =>
      typeof value === 'string' && /\S/.test(value) && lineCharacters.test(value),
  })

/** Numbers the SSA voided after they were printed in advertising (a wallet insert, a leaflet). */
const voidedSsns = new Set(['078051120', '219099999'])

/**
 * An SSN is nine digits that never start 000, 666 or 9, with no 00 group and no 0000 serial,
 * and is not one the SSA voided (SSA rules). An ITIN starts with 9 and has a group of 50–65,
 * 70–88, 90–92 or 94–99 (IRS).
 */
export function checkTaxId(kind: 'ssn' | 'itin', digits: string): string | null {
  if (digits === '') return `Enter your ${kind === 'ssn' ? 'Social Security number' : 'ITIN'}.`
  if (!/^\d{9}$/.test(digits)) return 'Enter all nine digits.'
  const area = digits.slice(0, 3)
  const group = Number(digits.slice(3, 5))
  const serial = digits.slice(5)
  if (kind === 'ssn') {
    if (
      area === '000' ||
      area === '666' ||
      area.startsWith('9') ||
      group === 0 ||
      serial === '0000' ||
      voidedSsns.has(digits)
    ) {
      return 'This is not a valid Social Security number.'
    }
    return null
  }
  const itinGroup =
    (group >= 50 && group <= 65) ||
    (group >= 70 && group <= 88) ||
    (group >= 90 && group <= 92) ||
    group >= 94
  return area.startsWith('9') && itinGroup
    ? null
    : 'This is not a valid ITIN: it starts with 9, and its fourth and fifth digits are 50 to 65, 70 to 88, 90 to 92 or 94 to 99.'
}

export const kycSubmission = z
  .strictObject({
    legalName,
    // Asked for when left empty; the format is named only for a date written another way.
    dateOfBirth: z
      .string('Enter your date of birth.')
      .min(1, 'Enter your date of birth.')
      .pipe(z.iso.date('Enter the date as YYYY-MM-DD.'))
      .openapi({ type: 'string', format: 'date', example: '1990-12-10' }),
    address: z.strictObject({
      line1: streetLine('Enter your street address.'),
      line2: streetLine('Enter the second line, or leave it out.').optional(),
      city: line(100, 'Enter your city.'),
      region: z.enum(usRegions, { message: 'Choose your state.' }),
      postalCode: z
        .string()
        .trim()
        .regex(/^\d{5}(-\d{4})?$/, 'Enter a 5-digit ZIP code.'),
    }),
    taxIdKind: z.enum(['ssn', 'itin']),
    taxId: z
      .string()
      .transform((value) => value.replace(/[\s-]/g, ''))
      .openapi({
        type: 'string',
        example: '123-45-6789',
        description: 'Stored encrypted; shown masked ever after.',
      }),
    attestation: z.literal(true, {
      message: 'Confirm that the information is true and complete.',
    }),
  })
  .refine((value) => checkTaxId(value.taxIdKind, value.taxId) === null, {
    path: ['taxId'],
    error: (issue) => {
      const { taxIdKind, taxId } = issue.input as { taxIdKind: 'ssn' | 'itin'; taxId: string }
      return checkTaxId(taxIdKind, taxId) ?? 'Enter a valid tax id.'
    },
    // Checked alongside every other field's problems, so one submission shows them all (a
    // `superRefine` would wait for the rest to pass).
    when: ({ value }) => {
      const { taxIdKind, taxId } = (value ?? {}) as { taxIdKind?: unknown; taxId?: unknown }
      return (taxIdKind === 'ssn' || taxIdKind === 'itin') && typeof taxId === 'string'
    },
  })
  .openapi('KycSubmission')

export const kycView = z
  .object({
    status: z.enum(['none', 'submitted', 'approved', 'rejected']),
    rejectionReason: z.string().nullable(),
    profile: z
      .object({
        legalName: z.string(),
        dateOfBirth: z.string(),
        address: z.object({
          line1: z.string(),
          line2: z.string().nullable(),
          city: z.string(),
          region: z.string(),
          postalCode: z.string(),
        }),
        taxIdKind: z.enum(['ssn', 'itin']),
        taxIdMasked: z.string().openapi({ example: '•••-••-6789' }),
        submittedAt: z.string(),
      })
      .nullable(),
  })
  .openapi('Kyc')
