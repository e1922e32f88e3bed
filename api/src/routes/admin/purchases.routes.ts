import { createRoute, z } from '@hono/zod-openapi'
import { earlyRepaymentReasons, maturityInstructions, purchaseStates } from '@tenor/db/schema'
import { errorResponse, jsonBody, jsonResponse, typedDay } from '../../lib/openapi.ts'
import {
  notePayment,
  notePayout,
  noteTerms,
  rolloverTarget,
} from '../purchases/purchases.routes.ts'

const tags = ['Admin']
const denied = {
  401: errorResponse('Not signed in'),
  403: errorResponse('Not an administrator, or two-factor is not on for this session'),
}
const centsText = z.string().regex(/^(0|[1-9][0-9]{0,11})$/, 'Whole cents, digits only.')

export const purchaseFilters = z.strictObject({
  offeringId: z.string().max(64).optional(),
  userId: z.string().max(64).optional(),
  email: z
    .string()
    .trim()
    .max(254)
    .optional()
    .openapi({ description: "All or part of the investor's email address." }),
  state: z.enum(purchaseStates).optional(),
  from: typedDay
    .optional()
    .openapi({ description: 'Created on or after this business date (New York by default).' }),
  to: typedDay.optional().openapi({ description: 'Created on or before this business date.' }),
  minCents: centsText.optional(),
  maxCents: centsText.optional(),
  limit: z
    .string()
    .regex(/^[1-9][0-9]{0,2}$/)
    .optional(),
})

export const adminPurchase = z
  .object({
    id: z.string(),
    userId: z.string(),
    investorEmail: z.string(),
    offeringId: z.string(),
    offeringSlug: z.string(),
    offeringName: z.string(),
    amountCents: z.number().int(),
    rateBps: z.number().int().openapi({ description: 'The rate the note was sold at' }),
    state: z.enum(purchaseStates),
    transferId: z.string().nullable(),
    rolledFromPurchaseId: z.string().nullable().openapi({
      description: 'The matured note whose rollover paid for this one, instead of an ACH debit',
    }),
    failureCode: z.string().nullable(),
    settledOn: z.string().nullable(),
    maturityDate: z.string().nullable(),
    repaymentReason: z.enum(earlyRepaymentReasons).nullable().openapi({
      description:
        'Why Tenor repays the note early, when it does: on its maturity date, which is then the repayment date',
    }),
    createdAt: z.string(),
  })
  .openapi('AdminPurchase')

export const searchPurchases = createRoute({
  method: 'get',
  path: '/purchases',
  tags,
  summary: 'Search purchases by offering, investor, state, date and amount (newest first)',
  request: { query: purchaseFilters },
  responses: {
    200: jsonResponse(z.object({ purchases: z.array(adminPurchase) }), 'Matching purchases'),
    ...denied,
    422: errorResponse('Invalid filter'),
  },
})

export const exportPurchases = createRoute({
  method: 'get',
  path: '/purchases.csv',
  tags,
  summary:
    'Every purchase the search matches (or the first `limit`), as CSV; cells are guarded against spreadsheet formulas',
  request: { query: purchaseFilters },
  responses: {
    200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } },
    ...denied,
    422: errorResponse('Invalid filter'),
  },
})

const purchaseParams = z.object({
  purchaseId: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'purchaseId', in: 'path' } }),
})

/** A request's reason, kept for the approving administrator; `ask` begins its messages. */
const reasonBody = (ask: string) =>
  z.strictObject({
    reason: z
      .string(`${ask}.`)
      .trim()
      .min(5, `${ask}, in a few words.`)
      .max(500, 'At most 500 characters.'),
  })

const waitingForApproval = jsonResponse(
  z.object({ approvalId: z.string(), state: z.literal('pending') }),
  'Waiting for a second administrator',
)

export const getPurchase = createRoute({
  method: 'get',
  path: '/purchases/{purchaseId}',
  tags,
  summary:
    'One purchase with its state history, Plaid transfer events, ledger entries and debit authorization',
  request: {
    params: purchaseParams,
  },
  responses: {
    200: jsonResponse(
      z.object({
        purchase: adminPurchase,
        terms: noteTerms,
        payout: notePayout,
        payment: notePayment,
        paymentReview: z.enum(['releasable', 'cancellable', 'debit_returned']).nullable().openapi({
          description:
            'For a payment withheld for review, what two administrators can do: release it (`releasable`: another debit from the account came back), cancel it (`cancellable`: the debit that paid for the note came back after it matured), or neither (`debit_returned`: that debit came back, but money of the note, or of a note a rollover links it to, has gone out since); a cancel closes every note of the rollover chain; null otherwise',
        }),
        reviewSeenThroughEventId: z.number().int().nullable().openapi({
          description:
            'For a payment withheld for review, the last transfer event stored when this was read: a release asked from this page sends it back (`seenThroughEventId`), so a return stored since stops it. Null otherwise',
        }),
        cancelledPayment: z
          .object({ amountCents: z.number().int(), cancelledAt: z.string() })
          .nullable()
          .openapi({
            description:
              'The maturity payout two administrators cancelled, its debit having come back after the note matured (the note is returned); null otherwise',
          }),
        maturity: z
          .object({
            instruction: z.enum(maturityInstructions),
            rolloverOffering: rolloverTarget.nullable().openapi({
              description: 'The offering the investor chose to roll into; null for a payout',
            }),
            rolledInto: z
              .object({
                purchaseId: z.string(),
                amountCents: z.number().int(),
                offeringName: z.string(),
              })
              .nullable()
              .openapi({ description: 'The note it rolled into at maturity, once it has' }),
          })
          .openapi({
            description:
              'The investor’s maturity instruction as the investor sees it, with how the money would split',
          }),
        history: z.array(
          z.object({
            fromState: z.string().nullable(),
            toState: z.string(),
            reason: z.string(),
            at: z.string(),
          }),
        ),
        transferEvents: z.array(
          z.object({
            eventId: z.number().int(),
            transferId: z.string().openapi({
              description:
                "The Plaid transfer the event is about: the purchase's debit (`purchase.transferId`) or a payout's credit",
            }),
            eventType: z.string(),
            receivedAt: z.string(),
            applied: z.boolean(),
          }),
        ),
        ledger: z.array(
          z.object({
            transactionId: z.string(),
            kind: z.string(),
            effectiveDate: z.string(),
            account: z.string(),
            debitCents: z.number().int(),
            creditCents: z.number().int(),
          }),
        ),
        authorization: z
          .object({
            wording: z.string(),
            wordingVersion: z.string(),
            amountCents: z.number().int(),
            bankAccountId: z.string(),
            ipAddress: z.string().nullable(),
            userAgent: z.string().nullable(),
            at: z.string(),
          })
          .nullable()
          .openapi({
            description:
              'Proof of the investor’s ACH debit authorization; null for a note bought by rolling another over',
          }),
      }),
      'The purchase',
    ),
    ...denied,
    404: errorResponse('No such purchase'),
  },
})

export const requestRefund = createRoute({
  method: 'post',
  path: '/purchases/{purchaseId}/refund',
  tags,
  summary: 'Ask to refund a purchase; a second administrator must approve',
  description:
    'On approval a pending debit is cancelled, or an active note is repaid by ACH credit with interest to the day it is repaid: today, or a week after its debit settled if that is later. A note already set to be repaid early is refused with 409 `repayment_scheduled`.',
  request: {
    params: purchaseParams,
    body: jsonBody(reasonBody('Say why the purchase is refunded')),
  },
  responses: {
    202: waitingForApproval,
    ...denied,
    404: errorResponse('No such purchase'),
    409: errorResponse(
      'Not refundable in its state (`not_refundable`), already set to be repaid early (`repayment_scheduled`), a request is already waiting (`approval_pending`), or the note is your own (`own_purchase`)',
    ),
    422: errorResponse('Invalid input'),
  },
})

export const requestPayoutRelease = createRoute({
  method: 'post',
  path: '/purchases/{purchaseId}/payment/release',
  tags,
  summary: 'Ask to release a payout withheld for review; a second administrator must approve',
  description:
    "A matured note's payout is withheld for review when the money that paid for it is in doubt: its debit came back, or its bank reported another debit from the same account unauthorized. Once someone has looked and judged the money safe to pay, this asks to let it go. On approval the next maturity run sends it to the note's account (held money goes to the account the investor gives). A return of any of the investor's transfers stored after the page the review was made on (`seenThroughEventId`) stops the release, or, stored after it, puts the payout back in review; a note whose own debit came back is never released.",
  request: {
    params: purchaseParams,
    body: jsonBody(
      reasonBody('Say what the review found').extend({
        seenThroughEventId: z
          .number('Ask from the purchase’s page, which says what the review could see.')
          .int()
          .min(0)
          .openapi({
            description:
              'The purchase page’s `reviewSeenThroughEventId`: the transfer events the review could see. A return of the investor’s transfers stored after it stops the release.',
          }),
      }),
    ),
  },
  responses: {
    202: waitingForApproval,
    ...denied,
    404: errorResponse('No such purchase'),
    409: errorResponse(
      'Its payout is not withheld for review (`not_in_review`), the debit that paid for the note came back (`funding_returned`: its money is with the investor again), a request is already waiting (`approval_pending`), or the note is your own (`own_purchase`)',
    ),
    422: errorResponse('Invalid input'),
  },
})

export const requestPayoutCancel = createRoute({
  method: 'post',
  path: '/purchases/{purchaseId}/payment/cancel',
  tags,
  summary:
    'Ask to cancel the withheld payout of a note whose debit came back after it matured; a second administrator must approve',
  description:
    "When the debit that paid for a note comes back after the note matured, the bank has taken the money back: the note was never paid for, and its payout, withheld for review, must not go. On approval the payout is cancelled and the note returned, as a return before maturity would have left it: its capacity goes back to the offering, the ledger takes the payout back out of ACH payable (or the investor's held balance) and the principal out of the bank, and the investor is told. Notes rolled over from it were bought with the same money, so the whole chain of rollovers is closed together (asked from any note of it): each note returned, each payout cancelled, each note's interest back to its issuer. It is refused while any of that money has gone out.",
  request: {
    params: purchaseParams,
    body: jsonBody(reasonBody('Say what the review found')),
  },
  responses: {
    202: waitingForApproval,
    ...denied,
    404: errorResponse('No such purchase'),
    409: errorResponse(
      'Its payout is not withheld for review (`not_in_review`), the debit that paid for the note did not come back (`funding_not_returned`: release it after a review instead), money of the note, or of a note a rollover links it to, has gone out (`payout_sent`), a request is already waiting (`approval_pending`), or the note is your own (`own_purchase`)',
    ),
    422: errorResponse('Invalid input'),
  },
})
