import { createRoute, z } from '@hono/zod-openapi'
import { purchaseStates } from '@tenor/db/schema'
import { errorResponse, jsonResponse } from '../../lib/openapi.ts'

const tags = ['Portfolio']
const cents = (description: string) => z.number().int().openapi({ description })
const calendarDate = z.string().openapi({ format: 'date', example: '2026-09-02' })

const holding = z.object({
  purchaseId: z.string(),
  offeringName: z.string(),
  state: z.enum(['pending', 'processing', 'active', 'matured']),
  principalCents: z.number().int(),
  settledOn: calendarDate.nullable(),
  maturityDate: calendarDate,
  accruedInterestCents: cents('Interest accrued from settlement to today'),
  interestAtMaturityCents: cents('Interest paid at maturity'),
  estimated: z.boolean().openapi({
    description:
      'True until the debit settles: dates assume it settles on the banking day it should (the next one after it was sent, or today once that has passed).',
  }),
  rolledOverCents: cents(
    'Of a matured note rolled over in part: what went into the new note, which counts it; this row’s figures are then what the note still pays, interest first',
  ).default(0),
  repaidEarly: z.boolean().default(false).openapi({
    description:
      'Tenor repays the note before the end of its term (a refund, or its offering cancelled): maturityDate is the repayment date, and the interest is to that day',
  }),
})

export const portfolio = z
  .object({
    asOf: calendarDate,
    principalByState: z.object({
      pending: cents('Bought, bank debit not yet sent or not yet posted'),
      processing: cents('Bank debit sent, not yet settled'),
      active: cents('Settled and earning interest'),
      matured: cents('Matured, payout on its way'),
    }),
    totals: z.object({
      principalCents: z.number().int(),
      accruedInterestCents: z.number().int(),
      expectedInterestCents: z.number().int(),
      expectedPayoutCents: z.number().int(),
      endedInterestCents: z.number().int().openapi({
        description:
          'Interest earned by notes that have ended (paid out or rolled over), not in the other totals',
      }),
    }),
    upcomingMaturities: z.array(
      z.object({
        purchaseId: z.string(),
        offeringName: z.string(),
        maturityDate: calendarDate,
        principalCents: z.number().int(),
        interestCents: z.number().int(),
        totalCents: z.number().int(),
      }),
    ),
    holdings: z.array(holding),
    heldCents: cents(
      'Payouts that could not reach my bank, held until I link an account that can receive them',
    ),
    inReviewCents: cents(
      'Payouts on hold for review, as a debit from the account that paid for their note came back: sent nowhere until a person has looked',
    ).default(0),
    history: z
      .array(
        z.object({
          id: z.string(),
          createdAt: z.string().openapi({ format: 'date-time' }),
          offeringName: z.string(),
          amountCents: z.number().int(),
          state: z.enum(purchaseStates),
          repaidEarly: z.boolean().default(false).openapi({
            description:
              'Tenor repays (or repaid) it before the end of its term: a refund or a cancelled offering',
          }),
          rolledOver: z.boolean().default(false).openapi({
            description:
              'Bought by rolling over a matured note at its maturity, not by a debit; `createdAt` is when it rolled',
          }),
          paymentHeld: z.boolean().openapi({
            description: 'Its payment came back and waits for a bank account that can receive it',
          }),
          paymentInReview: z.boolean().default(false).openapi({
            description:
              'Its payment is on hold for review, as a debit from the account that paid for it came back',
          }),
        }),
      )
      .openapi({ description: 'My most recent 500 purchases, newest first, in any state' }),
  })
  .openapi('Portfolio')

export const getPortfolio = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'My notes: principal by state, interest to date and at maturity, maturities ahead',
  responses: {
    200: jsonResponse(z.object({ portfolio }), 'My portfolio'),
    401: errorResponse('Not signed in'),
  },
})

export const getStatement = createRoute({
  method: 'get',
  path: '/statement.csv',
  tags,
  summary: 'Every purchase of mine as a CSV statement',
  description:
    'One row per purchase, amounts in dollars. Cells that a spreadsheet would run as a formula start with a single quote.',
  responses: {
    200: {
      description: 'The statement',
      content: { 'text/csv': { schema: z.string() } },
    },
    401: errorResponse('Not signed in'),
  },
})
