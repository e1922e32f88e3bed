import { createRoute, z } from '@hono/zod-openapi'
import type { AppDeps } from '../../context.ts'
import { ApiError } from '../../lib/errors.ts'
import { createRouter, errorResponse, jsonResponse } from '../../lib/openapi.ts'
import { rateLimitedResponse, rateLimitRules } from '../../lib/rate-limit-rules.ts'
import { clientAddress } from '../../middleware/client-address.ts'
import { rateLimit } from '../../middleware/rate-limit.ts'
import { recordWebhook } from '../../plaid/webhooks.ts'

const plaidWebhook = createRoute({
  method: 'post',
  path: '/plaid',
  tags: ['Webhooks'],
  summary: 'Receives Plaid webhooks',
  description:
    'The body is read once as raw bytes and verified against the `Plaid-Verification` JWT before it is parsed. ' +
    'Verified events are stored and acknowledged at once; processing happens afterwards.',
  security: [],
  responses: {
    200: jsonResponse(z.object({ received: z.boolean() }), 'Accepted (also for a redelivery)'),
    401: errorResponse('Signature, key, age or body hash did not verify'),
    429: rateLimitedResponse,
  },
})

export function createWebhookRoutes(deps: AppDeps) {
  const router = createRouter()
  // Keyed by address only: reading the body here would spoil the raw bytes the signature covers.
  router.use('/plaid', rateLimit(deps, rateLimitRules.webhookByAddress))
  return router.openapi(plaidWebhook, async (c) => {
    const body = new Uint8Array(await c.req.arrayBuffer())
    const verdict = await deps.verifyWebhook(
      body,
      c.req.header('plaid-verification'),
      clientAddress(c, deps),
    )
    if (!verdict.ok) {
      c.get('log').warn('webhook refused', { reason: verdict.reason })
      throw new ApiError(401, 'invalid_signature', 'The webhook signature did not verify.')
    }

    const { stored, payload } = await recordWebhook(deps.database, body, deps.clock.now())
    c.get('log').info('webhook received', {
      type: payload?.webhook_type,
      code: payload?.webhook_code,
      duplicate: !stored,
    })
    if (stored) {
      // Acknowledge first; Plaid retries anything slower than ten seconds.
      setTimeout(() => {
        deps.processWebhooks().catch((error: unknown) => {
          deps.log.error('webhook processing crashed', { error })
        })
      }, 0)
    }
    return c.json({ received: true }, 200)
  })
}
