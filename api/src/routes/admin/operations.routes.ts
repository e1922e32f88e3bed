import { createRoute, z } from '@hono/zod-openapi'
import { errorResponse, jsonBody, jsonResponse } from '../../lib/openapi.ts'

const run = z.object({
  job: z.string(),
  outcome: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  counts: z.string().nullable(),
  error: z.string().nullable(),
})

export const getOperations = createRoute({
  method: 'get',
  path: '/operations',
  tags: ['Admin'],
  summary:
    'Worker runs, failed emails, banks needing reconnection, the last ledger check, and payout funding',
  responses: {
    200: jsonResponse(
      z.object({
        workerRuns: z.array(run),
        lastLedgerCheck: run.nullable(),
        outbox: z.object({
          pending: z.number().int(),
          failed: z.array(
            z.object({
              id: z.string(),
              kind: z.string(),
              to: z.string(),
              lastError: z.string().nullable(),
              createdAt: z.string(),
            }),
          ),
        }),
        heldPayoutsTotal: z.object({
          count: z.number().int(),
          amountCents: z.number().int(),
        }),
        heldPayouts: z
          .array(
            z.object({
              purchaseId: z.string(),
              investorEmail: z.string(),
              offeringName: z.string(),
              kind: z.enum(['maturity', 'refund']),
              amountCents: z.number().int(),
              reason: z.string().nullable(),
              inReview: z.boolean().openapi({
                description:
                  'Withheld for review, as the money that paid for the note is in doubt (its debit came back, or its account reported a debit unauthorized): no account the investor gives takes it',
              }),
              since: z.string(),
            }),
          )
          .openapi({
            description:
              'Money that came back or could not be sent, held for investors until it goes to an account that can receive it; the 100 held longest, longest first (`heldPayoutsTotal` counts them all)',
          }),
        withheldPayouts: z
          .array(
            z.object({
              purchaseId: z.string(),
              investorEmail: z.string(),
              offeringName: z.string(),
              amountCents: z.number().int(),
              since: z.string().openapi({
                description: 'When a maturity run first withheld it, or when it matured',
              }),
            }),
          )
          .openapi({
            description:
              'Maturity payouts not yet sent that the worker withholds for review, as the money that paid for the note is in doubt (its debit came back, or its account reported a debit unauthorized); the 100 waiting longest, longest first. `payoutFunding.withheldCents` counts them all, with held money in review and notes that will be withheld at maturity',
          }),
        itemsNeedingReconnect: z.array(
          z.object({
            id: z.string(),
            userEmail: z.string(),
            institutionName: z.string().nullable(),
            status: z.string(),
            since: z.string(),
          }),
        ),
        payoutFunding: z.object({
          plaidLedgerAvailableCents: z.number().int().nullable(),
          dueNext7DaysCents: z.number().int().openapi({
            description:
              'What must still leave the Plaid Transfer ledger within seven days: payouts not yet made at Plaid (`initiated`), and the ACH part of every active note maturing by then, as the maturity run would pay it. Credits Plaid has made (`pending` and later) have left its available balance already; payouts withheld for review are in `withheldCents` instead.',
          }),
          withheldCents: z.number().int().openapi({
            description:
              'Payouts the worker withholds for a person to review, now, at maturity or while held, as the money that paid for the note is in doubt (its debit came back, or its bank reported a debit from the same account unauthorized); sent only once someone acts.',
          }),
          shortfallCents: z
            .number()
            .int()
            .nullable()
            .openapi({ description: 'How much `dueNext7DaysCents` exceeds the available balance' }),
          error: z.string().nullable(),
        }),
      }),
      'Operations overview',
    ),
    401: errorResponse('Not signed in'),
    403: errorResponse('Not an administrator, or two-factor is not on for this session'),
  },
})

export const retryEmail = createRoute({
  method: 'post',
  path: '/emails/{emailId}/retry',
  tags: ['Admin'],
  summary: 'Send an email that was not delivered again, once its cause is fixed',
  description:
    'For an email the worker gave up on (`failed`: Postmark refused it or never answered) or Postmark suppressed, once the cause is fixed (a sender signature confirmed, a recipient reactivated at Postmark). It goes back to the outbox as it was written and the next email run sends it, looking first at Postmark for an earlier try that reached it, so it is never sent twice. Recorded in the audit trail.',
  request: {
    params: z.object({
      emailId: z
        .string()
        .min(1)
        .max(64)
        .openapi({ param: { name: 'emailId', in: 'path' } }),
    }),
    body: jsonBody(z.strictObject({})),
  },
  responses: {
    200: jsonResponse(
      z.object({ email: z.object({ id: z.string(), status: z.literal('pending') }) }),
      'Back in the outbox; the next email run sends it',
    ),
    401: errorResponse('Not signed in'),
    403: errorResponse('Not an administrator, or two-factor is not on for this session'),
    404: errorResponse('No such email'),
    409: errorResponse('Not an email that was given up on (`not_undelivered`): sent, or waiting'),
    422: errorResponse('Invalid input'),
  },
})
