import { createRoute, type RouteHandler, z } from '@hono/zod-openapi'
import { businessDateOf } from '@tenor/db/domain'
import type { AppDeps, AuthedEnv } from '../../context.ts'
import { notFound } from '../../lib/errors.ts'
import { errorResponse, jsonBody, jsonResponse } from '../../lib/openapi.ts'
import { resendHeldPaymentTo } from '../../maturities/resend.ts'
import { findPurchase } from '../../purchases/records.ts'
import { listPurchaseViews } from '../../purchases/views.ts'
import { purchaseEnvelope, purchaseParams } from './purchases.routes.ts'

/** `POST /purchases/{id}/payment/resend`: the investor chooses where held money goes. */
export const resendPayment = createRoute({
  method: 'post',
  path: '/{id}/payment/resend',
  tags: ['Purchases'],
  summary: 'Send a matured note’s held payment to one of my bank accounts',
  description:
    'For a payment that came back or could not be delivered (stage `held`): it is sent to the chosen account, which must be a checking or savings account at a connected bank, on the next payout run. An account linked after the money was held is chosen automatically if none is chosen.',
  request: {
    params: purchaseParams,
    body: jsonBody(z.strictObject({ bankAccountId: z.string().min(1).max(64) })),
  },
  responses: {
    200: jsonResponse(purchaseEnvelope, 'The purchase, its payment on the way again'),
    401: errorResponse('Not signed in'),
    404: errorResponse('No such purchase (also for another investor’s purchase)'),
    409: errorResponse(
      '`payment_not_held`: the payment is not waiting for a bank account; `payment_in_review`: it is on hold, as the money that paid for the note is in doubt (its debit came back, or its bank reported another debit from that account unauthorized)',
    ),
    422: errorResponse('Invalid input, or `bank_account_unusable`'),
  },
})

export function createResendPaymentHandler(
  deps: AppDeps,
): RouteHandler<typeof resendPayment, AuthedEnv> {
  return async function resendPaymentHandler(c) {
    const userId = c.get('user').id
    const { id } = c.req.valid('param')
    const purchase = await findPurchase(deps.database.db, id)
    // Another investor's purchase answers as a missing one.
    if (purchase?.userId !== userId) throw notFound('purchase')
    const { bankAccountId } = c.req.valid('json')
    await resendHeldPaymentTo(deps, { userId, purchaseId: id, bankAccountId }, c.get('log'))

    const today = businessDateOf(deps.clock.now(), deps.env.businessTimeZone)
    const [view] = await listPurchaseViews(deps.database.db, {
      userId,
      purchaseId: id,
      today,
      timeZone: deps.env.businessTimeZone,
    })
    if (!view) throw new Error(`Purchase ${id} vanished after its payment was sent again`)
    return c.json({ purchase: view }, 200)
  }
}
