import type { RouteHandler } from '@hono/zod-openapi'
import { businessDateOf } from '@tenor/db/domain'
import type { Context } from 'hono'
import type { AppDeps, AuthedEnv } from '../../context.ts'
import { notFound } from '../../lib/errors.ts'
import { exactClientAddress } from '../../middleware/client-address.ts'
import { buyNote, type PurchaseAnswer } from '../../purchases/buy.ts'
import { cancelPurchase } from '../../purchases/cancel.ts'
import { findDebitAuthorization } from '../../purchases/records.ts'
import { listPurchaseViews } from '../../purchases/views.ts'
import type * as routes from './purchases.routes.ts'
import { purchaseEnvelope, purchaseError } from './purchases.routes.ts'

export function createPurchaseHandlers(deps: AppDeps) {
  const { database, clock, env } = deps
  const today = () => businessDateOf(clock.now(), env.businessTimeZone)

  async function findView(userId: string, purchaseId: string) {
    const [view] = await listPurchaseViews(database.db, {
      userId,
      purchaseId,
      today: today(),
      timeZone: env.businessTimeZone,
    })
    if (!view) throw notFound('purchase')

    return view
  }

  /**
   * Sends an answer, first or replayed. Stored answers are read back through the same schemas
   * the route declares, so a replay is exactly what the contract promises.
   */
  function send(c: Context<AuthedEnv>, answer: PurchaseAnswer) {
    if (answer.replayed) c.header('Idempotent-Replayed', 'true')
    switch (answer.status) {
      case 201:
        return c.json(purchaseEnvelope.parse(answer.body), 201)
      case 202:
        return c.json(purchaseEnvelope.parse(answer.body), 202)
      case 402:
        return c.json(purchaseError.parse(answer.body), 402)
      case 409:
        return c.json(purchaseError.parse(answer.body), 409)
      default:
        throw new Error(`No stored purchase answer has status ${answer.status}`)
    }
  }

  /** Where the debit was authorized from: kept with the authorization as its proof. */
  function consentOf(c: Context<AuthedEnv>) {
    return {
      ipAddress: exactClientAddress(c, deps),
      userAgent: c.req.header('user-agent')?.slice(0, 300) ?? null,
    }
  }

  const create: RouteHandler<typeof routes.createPurchase, AuthedEnv> = async (c) => {
    const answer = await buyNote(deps, {
      user: c.get('user'),
      key: c.req.valid('header')['idempotency-key'],
      request: c.req.valid('json'),
      requestId: c.get('requestId'),
      consent: consentOf(c),
    })
    c.get('log').info('purchase answered', { status: answer.status, replayed: answer.replayed })
    // Any answer not replayed made or advanced a purchase, a declined one included.
    c.set('quotaSpent', !answer.replayed)

    return send(c, answer)
  }

  const list: RouteHandler<typeof routes.listPurchases, AuthedEnv> = async (c) => {
    const views = await listPurchaseViews(database.db, {
      userId: c.get('user').id,
      today: today(),
      timeZone: env.businessTimeZone,
    })

    return c.json({ purchases: views }, 200)
  }

  const get: RouteHandler<typeof routes.getPurchase, AuthedEnv> = async (c) => {
    const purchase = await findView(c.get('user').id, c.req.valid('param').id)
    const authorization = await findDebitAuthorization(database.db, purchase.id)

    return c.json(
      {
        purchase,
        authorization: authorization && {
          wording: authorization.wording,
          agreedAt: authorization.createdAt.toISOString(),
        },
      },
      200,
    )
  }

  const cancel: RouteHandler<typeof routes.cancelPurchase, AuthedEnv> = async (c) => {
    const userId = c.get('user').id
    const { id } = c.req.valid('param')
    await cancelPurchase(deps, userId, id)
    c.get('log').info('purchase cancelled', { purchaseId: id })

    return c.json({ purchase: await findView(userId, id) }, 200)
  }

  return { create, list, get, cancel }
}
