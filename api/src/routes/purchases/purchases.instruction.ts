import { createRoute, type RouteHandler, z } from '@hono/zod-openapi'
import { businessDateOf, instructionCutoffDays } from '@tenor/db/domain'
import { maturityInstructions } from '@tenor/db/schema'
import type { AppDeps, AuthedEnv } from '../../context.ts'
import { errorResponse, jsonBody, jsonResponse } from '../../lib/openapi.ts'
import { setMaturityInstruction } from '../../maturities/instruction.ts'
import { listPurchaseViews } from '../../purchases/views.ts'
import { purchaseEnvelope, purchaseParams } from './purchases.routes.ts'

/** `PUT /purchases/{id}/instruction`: what happens to a holding at maturity. */

const instructionBody = z
  .strictObject({
    instruction: z.enum(maturityInstructions).openapi({
      description:
        '`payout`: principal and interest to the bank by ACH. `rollover_all`: both into a new note. `rollover_principal`: the principal into a new note, the interest to the bank.',
    }),
    rolloverOfferingSlug: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .openapi({ description: 'The open offering to roll into; required for a rollover only.' }),
    rolloverRateBps: z.number().int().min(0).max(100_000).optional().openapi({
      description:
        'The rate of that offering the investor was shown, in basis points. If it has changed since, the instruction is refused with 409 `rate_changed` and nothing is saved. The note rolls over only at no lower a rate than the one saved with it.',
    }),
  })
  .superRefine((body, ctx) => {
    const rollover = body.instruction !== 'payout'
    if (rollover && !body.rolloverOfferingSlug) {
      ctx.addIssue({
        code: 'custom',
        path: ['rolloverOfferingSlug'],
        message: 'Choose the offering to roll over into.',
      })
    }
    if (!rollover && body.rolloverRateBps !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['rolloverRateBps'],
        message: 'Only a rollover has an offering rate.',
      })
    }
    if (!rollover && body.rolloverOfferingSlug !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['rolloverOfferingSlug'],
        message: 'Only a rollover goes into an offering.',
      })
    }
  })

export const setInstruction = createRoute({
  method: 'put',
  path: '/{id}/instruction',
  tags: ['Purchases'],
  summary: 'Choose what happens to my note at maturity',
  description: `Allowed until the cut-off, ${instructionCutoffDays} days before the maturity date (business dates in the configured time zone), and never for a note Tenor repays early. An offering that will not be selling on the maturity date is refused. If at maturity the chosen offering cannot take the rollover (closed, full, the amount outside its limits, or its rate below the one saved with the instruction), the proceeds are paid out instead.`,
  request: {
    params: purchaseParams,
    body: jsonBody(instructionBody),
  },
  responses: {
    200: jsonResponse(purchaseEnvelope, 'The purchase with its new instruction'),
    401: errorResponse('Not signed in'),
    404: errorResponse('No such purchase (also for another investor’s purchase)'),
    409: errorResponse(
      '`instruction_cutoff_passed`, `instruction_locked` (matured, paid or undone), `repayment_scheduled` (Tenor repays the note early: a refund or a cancelled offering), `rollover_offering_unavailable` (not open today, or not selling on the maturity date) or `rate_changed`',
    ),
    422: errorResponse('Invalid input, or `unknown_offering`'),
  },
})

export function createInstructionHandler(
  deps: AppDeps,
): RouteHandler<typeof setInstruction, AuthedEnv> {
  return async function setInstructionHandler(c) {
    const userId = c.get('user').id
    const { id } = c.req.valid('param')
    const request = c.req.valid('json')
    const today = businessDateOf(deps.clock.now(), deps.env.businessTimeZone)
    await setMaturityInstruction(deps, {
      userId,
      purchaseId: id,
      request,
      today,
      timeZone: deps.env.businessTimeZone,
    })
    c.get('log').info('maturity instruction set', {
      purchaseId: id,
      instruction: request.instruction,
    })

    const [view] = await listPurchaseViews(deps.database.db, {
      userId,
      purchaseId: id,
      today,
      timeZone: deps.env.businessTimeZone,
    })
    if (!view) throw new Error(`Purchase ${id} vanished after its instruction was set`)

    return c.json({ purchase: view }, 200)
  }
}
