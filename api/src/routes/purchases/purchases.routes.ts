import { createRoute, z } from '@hono/zod-openapi'
import {
  compoundings,
  dayCounts,
  earlyRepaymentReasons,
  maturityInstructions,
  purchaseStates,
  rateTypes,
} from '@tenor/db/schema'
import { errorResponse, errorSchema, jsonBody, jsonResponse } from '../../lib/openapi.ts'
import { rateLimitedResponse } from '../../lib/rate-limit-rules.ts'
import { payoutPreview } from '../offerings/offerings.routes.ts'

const tags = ['Purchases']
const signedOut = errorResponse('Not signed in')
const notFound = errorResponse('No such purchase (also for another investor’s purchase)')
/** `{id}` in a purchase's path. */
export const purchaseParams = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'id', in: 'path' } }),
})
const instant = z.string().openapi({ format: 'date-time' })
/** What a note pays at maturity, as its investor's page and the console show it. */
export const notePayout = payoutPreview
  .extend({
    estimated: z.boolean().openapi({
      description:
        'True until the debit settles: dates assume it settles on the banking day it should (the next one after it was sent, or today once that has passed).',
    }),
  })
  .nullable()
  .openapi({
    description:
      'What the note pays at maturity; for a note repaid early, on its repayment date with interest to that day.',
  })
const calendarDate = z.string().openapi({ format: 'date', example: '2026-03-02' })

/** A note's own terms: its offering's, at the rate the note was sold at. */
export const noteTerms = z
  .object({
    rateBps: z.number().int().openapi({ description: 'The rate the note was sold at' }),
    rateType: z.enum(rateTypes),
    compounding: z.enum(compoundings).nullable(),
    dayCount: z.enum(dayCounts),
    dayCountName: z.string().openapi({ example: 'Actual/365 Fixed' }),
  })
  .openapi('NoteTerms')

/** The offering a note rolls into at maturity, and how the note's money would split. */
export const rolloverTarget = z.object({
  slug: z.string(),
  name: z.string(),
  rateBps: z.number().int().openapi({ description: 'Its rate today' }),
  chosenAtRateBps: z.number().int().nullable().default(null).openapi({
    description:
      'Its rate when the investor chose it. The note rolls over only at no lower a rate; below it, it is paid out.',
  }),
  sellingAtMaturity: z.boolean().default(true).openapi({
    description:
      'It is open on the note’s maturity date (the estimated one before the debit settles); if not, the note is paid out.',
  }),
  rollsCents: z.number().int().nullable().default(null).openapi({
    description:
      'How much would roll over on the offering’s limits today: the largest note it sells within the principal (or principal and interest); null when even its smallest note is more, and the note is paid out.',
  }),
  paidOutCents: z.number().int().default(0).openapi({
    description: 'What would be paid to the bank at maturity besides what rolls over.',
  }),
})

/** A matured note's payment to the investor, as its page and the console show it. */
export const notePayment = z
  .object({
    stage: z.enum(['sending', 'on_its_way', 'paid', 'held', 'in_review']).openapi({
      description:
        'sending: the credit is being made; on_its_way: with the banks; paid: settled; held: it came back or could not be sent, and waits for a bank account that can receive it; in_review: withheld for review, as the money that paid for the note is in doubt (its debit came back after it matured, or its bank reported another debit from that account unauthorized)',
    }),
    amountCents: z.number().int(),
    bankAccountId: z.string().nullable(),
    reason: z.string().nullable().openapi({ description: 'Why the money is held' }),
    paidAt: instant.nullable(),
    since: instant,
  })
  .nullable()
  .openapi({ description: 'The matured note’s payment to the investor; null before maturity' })

export const purchase = z
  .object({
    id: z.string(),
    offeringId: z.string(),
    offeringName: z.string(),
    bankAccountId: z.string(),
    amountCents: z.number().int(),
    state: z.enum(purchaseStates),
    cancellable: z.boolean().openapi({ description: 'The bank transfer may still be cancelled.' }),
    maturityInstruction: z.enum(maturityInstructions),
    rolledFromPurchaseId: z.string().nullable().default(null).openapi({
      description: 'The matured note this one was bought by rolling over; no debit paid for it.',
    }),
    rolloverOfferingId: z.string().nullable(),
    // Answers kept for idempotent replays from before these fields existed read as the
    // defaults: no named offering, and no change offered.
    rolloverOffering: rolloverTarget
      .nullable()
      .default(null)
      .openapi({ description: 'The offering a rollover goes into; null for a payout' }),
    instructionChangeable: z.boolean().default(false).openapi({
      description:
        'The maturity instruction can change today (`PUT /purchases/{id}/instruction`): not matured or undone, not repaid early, and before the cut-off.',
    }),
    instructionChangeableUntil: calendarDate.nullable().default(null).openapi({
      description:
        'The last day the instruction can change; null when it cannot change today, or before the debit settles, when the maturity date is not known yet.',
    }),
    // Answers kept for idempotent replays from before this field existed read as null.
    terms: noteTerms.nullable().default(null).openapi({
      description: 'The note’s own terms: its offering’s, at the rate it was sold at',
    }),
    settledOn: calendarDate.nullable().openapi({ description: 'Interest accrues from this day.' }),
    maturityDate: calendarDate.nullable(),
    failure: z.object({ code: z.string().nullable(), reason: z.string() }).nullable(),
    payout: notePayout,
    earlyRepayment: z
      .object({
        reason: z.enum(earlyRepaymentReasons).openapi({
          description:
            '`refund`: an administrator’s refund was approved; `offering_cancelled`: the note’s offering was cancelled',
        }),
        repaymentDate: calendarDate.openapi({
          description:
            'The day the note is repaid, with interest to that day; also its maturityDate',
        }),
        scheduledAt: instant,
      })
      .nullable()
      // Answers kept for idempotent replays from before this field existed read as null.
      .default(null)
      .openapi({
        description:
          'Set when Tenor repays the note before the end of its term: it is paid out on the repayment date, and its instruction can no longer change.',
      }),
    payment: notePayment,
    createdAt: instant,
    updatedAt: instant,
    history: z.array(
      z.object({
        from: z.enum(purchaseStates).nullable(),
        to: z.enum(purchaseStates),
        reason: z.string(),
        note: z.string().nullable().default(null).openapi({
          description:
            'What the step means for the investor, when its state alone would not say: a note set to be repaid early, or a rollover paid out instead.',
        }),
        at: instant,
      }),
    ),
    paymentHistory: z
      .array(z.object({ event: z.enum(['returned', 'failed', 'paid_again']), at: instant }))
      .default([])
      .openapi({
        description:
          'What became of the maturity payment after it was first sent: a credit that failed or came back, and a later one that reached the bank.',
      }),
    rolledInto: z
      .object({ purchaseId: z.string(), amountCents: z.number().int(), offeringName: z.string() })
      .nullable()
      .default(null)
      .openapi({
        description:
          'The note this one rolled over into at maturity, with the amount rolled; null if none.',
      }),
    debitReturnedAfterMaturity: z.boolean().default(false).openapi({
      description:
        'The debit that paid for this note came back after it matured (an unauthorized-debit claim can come up to sixty days on). The note stays as it is, as its money has gone on; Tenor reviews it with the investor.',
    }),
    chainDebitReturned: z.boolean().default(false).openapi({
      description:
        'For a note bought by rolling another over: the debit that paid for the first note of its chain came back. The note has no money behind it, so at maturity its proceeds are withheld for review, neither rolled over nor paid, unless two administrators close the chain first.',
    }),
  })
  .openapi('Purchase')

export const purchaseEnvelope = z.object({ purchase })

/** The error envelope, carrying the purchase when one was made and then failed. */
export const purchaseError = z
  .object({
    error: errorSchema.shape.error.extend({
      purchaseId: z.string().optional(),
      remainingCents: z.number().int().optional(),
    }),
  })
  .openapi('PurchaseError')

const purchaseErrorResponse = (description: string) => jsonResponse(purchaseError, description)

export const createPurchase = createRoute({
  method: 'post',
  path: '/',
  tags,
  summary: 'Buy a note: reserve capacity and debit the bank account by ACH',
  description:
    'Send a unique `Idempotency-Key` (up to 255 characters) per purchase. The same key and body replay the first answer ' +
    '(with `Idempotent-Replayed: true`); another body is refused with 422 `idempotency_key_reused`; a request still running ' +
    'with the key answers 409 `idempotency_key_in_use`. Keys are kept for 24 hours.',
  request: {
    headers: z.object({
      'idempotency-key': z
        .string({ error: 'Send an Idempotency-Key header.' })
        .min(1)
        .max(255)
        .regex(/^[\x20-\x7e]+$/, 'Use printable ASCII characters.'),
    }),
    body: jsonBody(
      z.strictObject({
        offeringId: z.string().min(1).max(64),
        bankAccountId: z.string().min(1).max(64),
        amountCents: z
          .number()
          .int()
          .min(
            1,
            'Enter an amount of at least 1 cent, and at least the offering’s minimum purchase.',
          )
          .max(100_000_000_000),
        rateBps: z.number().int().min(0).max(100_000).optional().openapi({
          description:
            'The rate the investor was shown, in basis points. If the offering’s rate has changed since, the purchase is refused with 409 `rate_changed` and nothing is written.',
        }),
        consent: z.literal(true, { error: 'Confirm that you authorize the ACH debit.' }),
      }),
    ),
  },
  responses: {
    201: jsonResponse(purchaseEnvelope, 'Bought: the transfer is made; the state follows it'),
    202: jsonResponse(purchaseEnvelope, 'Capacity reserved; still confirming with the bank'),
    401: signedOut,
    402: purchaseErrorResponse(
      'Declined or refused by the bank; no money moved: `insufficient_funds`, `payment_declined`, `transfer_limit_reached`, or `payment_failed` for any other refusal',
    ),
    403: errorResponse('Email not verified, or identity check not approved'),
    409: purchaseErrorResponse(
      '`sold_out`, `insufficient_capacity`, `offering_closed`, `rate_changed`, `bank_reconnect_required`, `bank_account_unusable` or `idempotency_key_in_use`',
    ),
    422: purchaseErrorResponse(
      'Invalid input, unknown offering or bank account, or `idempotency_key_reused`',
    ),
    429: rateLimitedResponse,
  },
})

export const listPurchases = createRoute({
  method: 'get',
  path: '/',
  tags,
  summary: 'My purchases, newest first, each with its state history',
  responses: {
    200: jsonResponse(z.object({ purchases: z.array(purchase) }), 'My purchases'),
    401: signedOut,
  },
})

export const getPurchase = createRoute({
  method: 'get',
  path: '/{id}',
  tags,
  summary: 'One of my purchases, with the debit authorization I gave for it',
  request: { params: purchaseParams },
  responses: {
    200: jsonResponse(
      purchaseEnvelope.extend({
        authorization: z.object({ wording: z.string(), agreedAt: instant }).nullable().openapi({
          description:
            'The ACH debit authorization as agreed, word for word; null for a note bought by rolling another over',
        }),
      }),
      'The purchase',
    ),
    401: signedOut,
    404: notFound,
  },
})

export const cancelPurchase = createRoute({
  method: 'post',
  path: '/{id}/cancel',
  tags,
  summary: 'Cancel a pending purchase while its bank transfer is still cancellable',
  request: { params: purchaseParams, body: jsonBody(z.strictObject({})) },
  responses: {
    200: jsonResponse(purchaseEnvelope, 'Cancelled; capacity released'),
    401: signedOut,
    404: notFound,
    409: errorResponse('`not_cancellable`: the transfer was already sent, or is not made yet'),
    503: errorResponse('Plaid is unavailable; try again'),
  },
})
