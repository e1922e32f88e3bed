import { createRoute, z } from '@hono/zod-openapi'
import {
  compoundings,
  dayCounts,
  maturityInstructions,
  offeringStatuses,
  rateTypes,
} from '@tenor/db/schema'
import { errorResponse, jsonResponse } from '../../lib/openapi.ts'
import { amountCentsPattern } from './offerings.amounts.ts'

const tags = ['Offerings']
const notFound = errorResponse('No such offering')
const slug = z
  .string()
  .min(1)
  .max(200)
  .openapi({ param: { name: 'slug', in: 'path' }, example: 'series-a-6m' })
const cents = (description: string) => z.number().int().openapi({ description })
const calendarDate = z.string().openapi({ format: 'date', example: '2026-03-02' })

export const offering = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    issuer: z.string(),
    description: z.string(),
    status: z.enum(offeringStatuses.filter((status) => status !== 'draft')),
    openForPurchase: z
      .boolean()
      .openapi({ description: "Open, and today's business date is within opensOn..closesOn." }),
    salesEnded: z.boolean().default(false).openapi({
      description:
        'No longer for sale, ever: its status moved on from open, or its closing date (closesOn) has passed. An open offering not yet open for purchase has not ended.',
    }),
    rateBps: z.number().int().openapi({ description: 'Nominal annual rate: 800 is 8%.' }),
    rateType: z.enum(rateTypes),
    compounding: z.enum(compoundings).nullable(),
    dayCount: z.enum(dayCounts),
    dayCountName: z.string().openapi({ example: 'Actual/365 Fixed' }),
    dayCountDescription: z.string().openapi({ description: 'The day count in plain words.' }),
    termMonths: z.number().int(),
    minPurchaseCents: cents('Smallest purchase'),
    maxPurchaseCents: cents('Largest purchase'),
    incrementCents: cents('Purchases go up from the minimum in steps of this'),
    capacityCents: cents('Size of the raise'),
    remainingCents: cents('Capacity not yet reserved by purchases'),
    soldOut: z.boolean().openapi({
      description:
        'Less is left than the smallest purchase; capacity freed by a cancelled or failed purchase comes back',
    }),
    opensOn: calendarDate,
    closesOn: calendarDate,
    apyBps: z.number().int().openapi({ description: 'Reg DD APY for a note starting today.' }),
    apyDisplay: z.string().openapi({ example: '8.16%' }),
    defaultMaturityInstruction: z.enum(maturityInstructions).openapi({
      description:
        'Always `payout`: a note is paid out at maturity unless its investor picks an offering to roll into',
    }),
  })
  .openapi('Offering')

export const payoutPreview = z
  .object({
    startDate: calendarDate.openapi({
      description:
        'When interest would start: the next banking day (no weekends or Federal Reserve holidays), when a debit sent today should settle. An estimate: the settlement decides.',
    }),
    maturityDate: calendarDate,
    principalCents: z.number().int(),
    interestCents: z.number().int(),
    totalCents: z.number().int(),
    apyBps: z.number().int(),
    apyDisplay: z.string(),
  })
  .openapi('PayoutPreview')

export const listOfferings = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'Offerings open for purchase today',
  responses: {
    200: jsonResponse(z.object({ offerings: z.array(offering) }), 'Open offerings'),
  },
})

export const getOffering = createRoute({
  method: 'get',
  path: '/{slug}',
  tags,
  summary: 'One offering, open or not (offerings still in draft are not found)',
  request: { params: z.object({ slug }) },
  responses: { 200: jsonResponse(z.object({ offering }), 'The offering'), 404: notFound },
})

export const previewOffering = createRoute({
  method: 'get',
  path: '/{slug}/preview',
  tags,
  summary: 'The exact payout at maturity of a purchase made today',
  description:
    'For a purchase made today (for an offering not open yet, on its opening day), whose debit settles on the next banking day. Checks the amount against the minimum, maximum and increment. Capacity and the purchase window are checked when buying.',
  request: {
    params: z.object({ slug }),
    query: z.object({
      amountCents: z
        .string({ error: 'Enter an amount in cents.' })
        .regex(amountCentsPattern, 'Enter a whole number of cents, like 100000 for $1,000.00.')
        .openapi({ example: '100000' }),
    }),
  },
  responses: {
    200: jsonResponse(z.object({ preview: payoutPreview }), 'The payout'),
    404: notFound,
    422: errorResponse('The amount is not one the offering accepts; `issues` says why'),
  },
})
