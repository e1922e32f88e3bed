import { createRoute, z } from '@hono/zod-openapi'
import {
  compoundings,
  dayCounts,
  maturityInstructions,
  offeringStatuses,
  rateTypes,
} from '@tenor/db/schema'
import { errorResponse, jsonBody, jsonResponse, typedDay } from '../../lib/openapi.ts'

const tags = ['Admin']
const denied = {
  401: errorResponse('Not signed in'),
  403: errorResponse('Not an administrator, or two-factor is not on for this session'),
}
const offeringId = z
  .string()
  .min(1)
  .max(64)
  .openapi({ param: { name: 'offeringId', in: 'path' } })
// Messages in the admin's words: the console shows them beside the fields.
const cents = z
  .number('Enter an amount.')
  .int('Enter a whole number of cents.')
  .min(1, 'Enter an amount above zero.')
  .max(100_000_000_000, 'At most $1,000,000,000.')
const rate = z
  .number('Enter a rate.')
  .int('Enter the rate in whole basis points.')
  .min(1, 'Enter a rate above zero.')
  .max(5000, 'At most 50%.')
const text = (max: number) =>
  z.string('Fill this in.').trim().min(1, 'Fill this in.').max(max, `At most ${max} characters.`)
/**
 * A name, which goes into email subjects and the ACH authorization's wording: one line, spaces
 * collapsed, and (beyond the controls every body is checked for) no invisible formatting.
 */
const line = (max: number) =>
  z
    .string('Fill this in.')
    .transform((value) => value.normalize('NFC').trim().replace(/\s+/g, ' '))
    .pipe(
      z
        .string()
        .min(1, 'Fill this in.')
        .max(max, `At most ${max} characters.`)
        .regex(/^\P{C}+$/u, 'Use letters, digits, spaces and punctuation only.'),
    )
    .openapi({ type: 'string', maxLength: max })

export const offeringTerms = z.strictObject({
  slug: z
    .string()
    .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'Use lowercase letters, digits and single hyphens.')
    .max(80),
  name: line(120),
  issuer: line(120),
  description: text(2000),
  rateBps: rate,
  rateType: z.enum(rateTypes),
  compounding: z.enum(compoundings).nullable(),
  dayCount: z.enum(dayCounts),
  termMonths: z
    .number('Enter a term.')
    .int('Enter a whole number of months.')
    .min(1, 'At least one month.')
    .max(360, 'At most 360 months.'),
  capacityCents: cents,
  minPurchaseCents: cents,
  maxPurchaseCents: cents.openapi({
    description:
      'At most 100000000 ($1,000,000), and its payout at maturity must fit one ACH credit',
  }),
  incrementCents: cents,
  opensOn: typedDay,
  closesOn: typedDay,
  defaultMaturityInstruction: z.enum(maturityInstructions).optional().openapi({
    description:
      'Only `payout`, which an absent field also means: a rollover needs an offering to roll into, which the investor picks for each note',
  }),
})

export const adminOffering = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    issuer: z.string(),
    description: z.string(),
    status: z.enum(offeringStatuses),
    window: z.enum(['before', 'within', 'after']).openapi({
      description: "Where today's business date falls against opensOn..closesOn (both included)",
    }),
    rateBps: z.number().int(),
    rateType: z.enum(rateTypes),
    compounding: z.enum(compoundings).nullable(),
    dayCount: z.enum(dayCounts),
    termMonths: z.number().int(),
    capacityCents: z.number().int(),
    reservedCents: z.number().int(),
    minPurchaseCents: z.number().int(),
    maxPurchaseCents: z.number().int(),
    incrementCents: z.number().int(),
    opensOn: z.string(),
    closesOn: z.string(),
    defaultMaturityInstruction: z.enum(maturityInstructions),
    purchasesByState: z.record(z.string(), z.number().int()),
  })
  .openapi('AdminOffering')

const one = jsonResponse(z.object({ offering: adminOffering }), 'The offering')

export const listOfferings = createRoute({
  method: 'get',
  path: '/offerings',
  tags,
  summary: 'Every offering, drafts included, with capacity used and purchases by state',
  responses: {
    200: jsonResponse(z.object({ offerings: z.array(adminOffering) }), 'Offerings'),
    ...denied,
  },
})

export const getOffering = createRoute({
  method: 'get',
  path: '/offerings/{offeringId}',
  tags,
  summary: 'One offering with its maturity schedule (the notes still owed, by due date)',
  request: { params: z.object({ offeringId }) },
  responses: {
    200: jsonResponse(
      z.object({
        offering: adminOffering,
        maturitySchedule: z.array(
          z.object({
            maturityDate: z.string(),
            principalCents: z.number().int(),
            interestCents: z.number().int().openapi({
              description:
                'Interest owed with that principal: to maturity, or to the repayment date',
            }),
            notes: z.number().int(),
          }),
        ),
      }),
      'The offering',
    ),
    ...denied,
    404: errorResponse('No such offering'),
  },
})

export const createOffering = createRoute({
  method: 'post',
  path: '/offerings',
  tags,
  summary: 'Create a draft offering',
  request: { body: jsonBody(offeringTerms) },
  responses: {
    201: one,
    ...denied,
    409: errorResponse('The slug is taken'),
    422: errorResponse('Invalid terms; `issues` lists each field'),
  },
})

export const editOffering = createRoute({
  method: 'patch',
  path: '/offerings/{offeringId}',
  tags,
  summary: 'Edit a draft (published terms change only through a rate-change approval)',
  request: { params: z.object({ offeringId }), body: jsonBody(offeringTerms.partial()) },
  responses: {
    200: one,
    ...denied,
    404: errorResponse('No such offering'),
    409: errorResponse(
      'Only drafts can be edited (`wrong_status`), or the new slug is taken (`slug_taken`)',
    ),
    422: errorResponse('Invalid terms'),
  },
})

const transition = <P extends string>(path: P, summary: string, body = z.strictObject({})) =>
  createRoute({
    method: 'post',
    path,
    tags,
    summary,
    request: { params: z.object({ offeringId }), body: jsonBody(body) },
    responses: {
      200: one,
      ...denied,
      404: errorResponse('No such offering'),
      409: errorResponse('Not allowed in its current status'),
      422: errorResponse('The terms are incomplete or inconsistent; `issues` says how'),
    },
  })

export const closeOffering = transition(
  '/offerings/{offeringId}/close',
  'Close an open offering early: no new purchases',
)

const approvalAnswer = jsonResponse(
  z.object({ approvalId: z.string(), state: z.literal('pending') }),
  'Waiting for a second administrator',
)

export const requestPublish = createRoute({
  method: 'post',
  path: '/offerings/{offeringId}/publish',
  tags,
  summary:
    'Ask to open a draft for purchases, after checking its terms are complete and consistent; a second administrator must approve',
  description:
    'On approval the draft opens, if its terms are still those asked about (not edited since) and still consistent that day.',
  request: { params: z.object({ offeringId }), body: jsonBody(z.strictObject({})) },
  responses: {
    202: approvalAnswer,
    ...denied,
    404: errorResponse('No such offering'),
    409: errorResponse('Not a draft (`wrong_status`), or a request is already waiting'),
    422: errorResponse('The terms are incomplete or inconsistent; `issues` says how'),
  },
})

export const requestCancellation = createRoute({
  method: 'post',
  path: '/offerings/{offeringId}/cancel',
  tags,
  summary: 'Ask to cancel an offering that did not fund; a second administrator must approve',
  description:
    'On approval, pending transfers are cancelled and settled purchases are repaid by ACH credit with interest to the day each is repaid: that day, or a week after its debit settled if that is later, when the debit can no longer come back (its maturity date for a note already due).',
  request: {
    params: z.object({ offeringId }),
    body: jsonBody(z.strictObject({ reason: z.string().trim().min(5).max(500) })),
  },
  responses: {
    202: approvalAnswer,
    ...denied,
    404: errorResponse('No such offering'),
    409: errorResponse(
      'Not cancellable now, a request is already waiting (`approval_pending`), or you hold a note of it (`own_purchase`)',
    ),
    422: errorResponse('Invalid input'),
  },
})

export const requestRateChange = createRoute({
  method: 'post',
  path: '/offerings/{offeringId}/rate',
  tags,
  summary:
    "Ask to change an open offering's rate for new purchases; a second administrator must approve",
  request: {
    params: z.object({ offeringId }),
    body: jsonBody(
      z.strictObject({
        rateBps: rate,
      }),
    ),
  },
  responses: {
    202: approvalAnswer,
    ...denied,
    404: errorResponse('No such offering'),
    409: errorResponse(
      'Not open (`wrong_status`), past its purchase window (`offering_closed`: nothing is bought or rolled into it again), or a request is already waiting',
    ),
    422: errorResponse(
      'Invalid input, the rate it has now, or a rate whose payout would not fit one ACH credit',
    ),
  },
})
