import { createRoute, z } from '@hono/zod-openapi'
import { offsetAdvancedBy, readClockOffset, setClockOffset } from '@tenor/db'
import { outboxMessages, payouts, purchases } from '@tenor/db/schema'
import { and, desc, eq } from 'drizzle-orm'
import type { AppDeps, SessionUser } from '../../context.ts'
import { ApiError, notFound, unauthorized } from '../../lib/errors.ts'
import { createRouter, errorResponse, jsonBody, jsonResponse } from '../../lib/openapi.ts'
import { requireUser } from '../../middleware/session.ts'
import { callPlaid, PlaidFailure, plaidApiError, toPlaidFailure } from '../../plaid/errors.ts'

const mailbox = createRoute({
  method: 'get',
  path: '/mailbox',
  tags: ['Development'],
  summary: 'Development only: every email written to the outbox, newest first',
  request: { query: z.object({ to: z.string().max(254).optional() }) },
  responses: {
    200: jsonResponse(
      z.object({
        messages: z.array(
          z.object({
            id: z.string(),
            kind: z.string(),
            to: z.string(),
            subject: z.string(),
            text: z.string(),
            html: z.string(),
            status: z.string(),
            keptHere: z.boolean().openapi({
              description:
                'Marked sent without Postmark (no server token): this mailbox is the only copy',
            }),
            createdAt: z.string(),
          }),
        ),
      }),
      'The local mailbox',
    ),
  },
})

/** Plaid's sandbox institutions, offered by the local bank chooser that stands in for Link. */
export const sandboxInstitutions = [
  { id: 'ins_109508', name: 'First Platypus Bank' },
  { id: 'ins_109509', name: 'First Gingham Credit Union' },
  { id: 'ins_109510', name: 'Tattersall Federal Credit Union' },
  { id: 'ins_109511', name: 'Tartan Bank' },
] as const

const institutions = createRoute({
  method: 'get',
  path: '/plaid/institutions',
  tags: ['Development'],
  summary: 'Development only: institutions the local bank chooser offers',
  responses: {
    200: jsonResponse(
      z.object({ institutions: z.array(z.object({ id: z.string(), name: z.string() })) }),
      'Sandbox institutions',
    ),
  },
})

const completeLink = createRoute({
  method: 'post',
  path: '/plaid/link',
  tags: ['Development'],
  summary: 'Development only: the local bank chooser completes a Link session, as Plaid Link would',
  description:
    'Signs in to a sandbox bank with the Link token from POST /banks/link-token and answers what ' +
    "Link's onSuccess hands the site: a public token and the institution and accounts chosen. " +
    'In update mode this repairs the item.',
  request: {
    body: jsonBody(
      z.strictObject({
        linkToken: z.string().max(200),
        institutionId: z.string().max(64),
        username: z.string().max(100),
        // Room for a sandbox `user_custom` password, which is a JSON account configuration.
        password: z.string().max(2000),
      }),
    ),
  },
  responses: {
    200: jsonResponse(
      z.object({
        publicToken: z.string(),
        institution: z.object({ id: z.string(), name: z.string() }),
        accounts: z.array(z.object({ name: z.string(), mask: z.string().nullable() })),
      }),
      'The Link result',
    ),
    400: errorResponse('The bank refused the credentials, or the Link token expired'),
    422: errorResponse('Invalid input'),
  },
})

const clockState = z.object({
  now: z.string(),
  offsetDays: z.number().int().openapi({
    description: 'Whole days ahead of real time (an hour of a daylight-saving change aside)',
  }),
})

const getClock = createRoute({
  method: 'get',
  path: '/clock',
  tags: ['Development'],
  summary: 'Development only: the shared clock the API and worker use',
  responses: { 200: jsonResponse(clockState, 'Current time and how far it was moved') },
})

const moveClock = createRoute({
  method: 'post',
  path: '/clock',
  tags: ['Development'],
  summary: 'Development only: move the shared clock forward, or back to real time',
  description: 'Lets the whole life of a note be seen in minutes. Refused outside development.',
  request: {
    body: jsonBody(
      z.union([
        z.strictObject({ advanceDays: z.number().int().min(1).max(3660) }),
        z.strictObject({ reset: z.literal(true) }),
      ]),
    ),
  },
  responses: {
    200: jsonResponse(clockState, 'The clock after the move'),
    409: errorResponse('This server runs on real time (tests and staging)'),
    422: errorResponse('Invalid input'),
  },
})

const simulateBank = createRoute({
  method: 'post',
  path: '/bank',
  tags: ['Development'],
  summary: "Development only: the bank moves a purchase's debit or its payout's credit",
  description:
    'Plaid moves sandbox transfers only when asked (`/sandbox/transfer/simulate`); this asks for ' +
    "a purchase's debit or its maturity payout's credit to be posted, settled or returned " +
    '(R01 for a debit, R02 for a credit), posting first a transfer still pending, then applies ' +
    "the events at once. For the purchase's own investor; refused with production Plaid.",
  request: {
    body: jsonBody(
      z.strictObject({
        purchaseId: z.string().min(1).max(64),
        transfer: z.enum(['debit', 'payout']),
        event: z.enum(['posted', 'settled', 'returned']),
      }),
    ),
  },
  responses: {
    200: jsonResponse(z.object({ transferId: z.string() }), 'The bank moved the transfer'),
    401: errorResponse('Not signed in'),
    404: errorResponse(
      'No such purchase (also for another investor’s, an administrator’s included), or it has no such transfer yet',
    ),
    409: errorResponse(
      'The bank cannot make that move from where the transfer is (or it moved meanwhile), or this server talks to production Plaid',
    ),
    422: errorResponse('Invalid input'),
  },
})

/** The moves Plaid's sandbox allows from each state (a pending transfer is posted first). */
function bankCanMove(status: string, event: 'posted' | 'settled' | 'returned'): boolean {
  if (status === 'pending') return true
  if (status === 'posted') return event !== 'posted'
  return (status === 'settled' || status === 'funds_available') && event === 'returned'
}

const day = 24 * 60 * 60 * 1000

/** An offset in whole days: one moved across a daylight-saving change is an hour off a day. */
const wholeDays = (offsetMs: number) => Math.round(offsetMs / day)

interface LinkCompletion {
  public_token: string
  metadata: {
    institution: { institution_id: string; name: string }
    accounts: { name: string; mask: string | null }[]
  }
}

/** Answers only when APP_ENV is development or test; elsewhere every route is a 404. */
export function createDevRoutes(deps: AppDeps) {
  /** The transfer to move; another investor's purchase answers as a missing one. */
  async function findTransferId(
    user: SessionUser,
    purchaseId: string,
    transfer: 'debit' | 'payout',
  ): Promise<string | null> {
    const purchase = await deps.database.db.query.purchases.findFirst({
      where: eq(purchases.id, purchaseId),
    })
    if (!purchase || purchase.userId !== user.id) return null
    if (transfer === 'debit') return purchase.transferId
    const payout = await deps.database.db.query.payouts.findFirst({
      where: and(eq(payouts.purchaseId, purchaseId), eq(payouts.kind, 'maturity')),
    })
    return payout?.transferId ?? null
  }

  const router = createRouter()
  const enabled = deps.env.appEnv === 'development' || deps.env.appEnv === 'test'
  router.use(async function devOnly(_c, next) {
    if (!enabled) throw notFound('route')
    await next()
  })
  // Moving money, even sandbox money, is for the purchase's own investor.
  router.use('/bank', requireUser())
  return router
    .openapi(institutions, (c) => c.json({ institutions: [...sandboxInstitutions] }, 200))
    .openapi(getClock, async (c) => {
      const offset = await readClockOffset(deps.database)
      return c.json({ now: deps.clock.now().toISOString(), offsetDays: wholeDays(offset) }, 200)
    })
    .openapi(moveClock, async (c) => {
      const input = c.req.valid('json')
      if (deps.env.appEnv !== 'development' || !deps.clock.refresh) {
        throw new ApiError(409, 'clock_fixed', 'The clock can only be moved in development.')
      }
      const current = await readClockOffset(deps.database)
      const next =
        'reset' in input
          ? 0
          : offsetAdvancedBy(
              current,
              deps.clock.now(),
              input.advanceDays,
              deps.env.businessTimeZone,
            )
      await setClockOffset(deps.database, next)
      await deps.clock.refresh()
      c.get('log').info('development clock moved', { offsetDays: wholeDays(next) })
      return c.json({ now: deps.clock.now().toISOString(), offsetDays: wholeDays(next) }, 200)
    })
    .openapi(completeLink, async (c) => {
      const input = c.req.valid('json')
      if (deps.env.plaid.env !== 'local') {
        throw new ApiError(400, 'not_local', 'Use Plaid Link: this server talks to real Plaid.')
      }
      const res = await fetch(`${deps.env.plaid.basePath}/__standin/link/complete`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          link_token: input.linkToken,
          institution_id: input.institutionId,
          username: input.username,
          password: input.password,
        }),
      })
      const body = (await res.json()) as LinkCompletion & { error_code?: string }
      if (!res.ok) {
        throw plaidApiError(
          new PlaidFailure(res.status, 'ITEM_ERROR', body.error_code ?? 'UNKNOWN', null, null),
        )
      }
      return c.json(
        {
          publicToken: body.public_token,
          institution: {
            id: body.metadata.institution.institution_id,
            name: body.metadata.institution.name,
          },
          accounts: body.metadata.accounts.map((a) => ({ name: a.name, mask: a.mask ?? null })),
        },
        200,
      )
    })
    .openapi(simulateBank, async (c) => {
      const input = c.req.valid('json')
      if (deps.env.plaid.env === 'production') {
        throw new ApiError(409, 'not_sandbox', 'Only sandbox transfers can be moved by hand.')
      }
      const user = c.get('user')
      // `requireUser` has refused a visitor already; this tells the types so.
      if (!user) throw unauthorized()
      const transferId = await findTransferId(user, input.purchaseId, input.transfer)
      if (!transferId) throw notFound('transfer')
      const returnCode = input.transfer === 'debit' ? 'R01' : 'R02'
      const simulate = (event: typeof input.event) =>
        callPlaid(() =>
          deps.plaid.sandboxTransferSimulate({
            transfer_id: transferId,
            event_type: event,
            failure_reason:
              event === 'returned'
                ? { ach_return_code: returnCode, description: 'returned by hand' }
                : undefined,
            webhook: deps.env.plaid.webhookUrl,
          }),
        )
      const status = await callPlaid(() => deps.plaid.transferGet({ transfer_id: transferId }))
        .then(({ transfer }) => transfer.status)
        .catch((error: unknown) => {
          throw plaidApiError(toPlaidFailure(error))
        })
      if (!bankCanMove(status, input.event)) {
        throw new ApiError(
          409,
          'bank_move_refused',
          `The transfer is ${status}; the bank cannot make it ${input.event} now.`,
        )
      }
      try {
        // A bank settles or returns only what it has posted: post first, as the bank would.
        if (status === 'pending' && input.event !== 'posted') await simulate('posted')
        await simulate(input.event)
      } catch (error) {
        const failure = toPlaidFailure(error)
        // Refused by the sandbox: the transfer moved meanwhile (another click, the worker).
        if (failure.status === 400) {
          throw new ApiError(
            409,
            'bank_move_refused',
            `The bank could not make the transfer ${input.event}: it has moved since. Reload to see where it is.`,
          )
        }
        throw plaidApiError(failure)
      }
      await deps.syncTransfers()
      c.get('log').info('sandbox transfer moved by hand', { ...input, transferId })
      return c.json({ transferId }, 200)
    })
    .openapi(mailbox, async (c) => {
      const { to } = c.req.valid('query')
      const rows = await deps.database.db
        .select()
        .from(outboxMessages)
        .where(to ? eq(outboxMessages.toAddress, to.trim().toLowerCase()) : undefined)
        // Newest written first. Ids are UUIDv7, ordered by the real time they were made; the
        // creation times are not, as money emails are dated on the moved development clock
        // and account emails on real time.
        .orderBy(desc(outboxMessages.id))
        .limit(200)
      return c.json(
        {
          messages: rows.map((row) => ({
            id: row.id,
            kind: row.kind,
            to: row.toAddress,
            subject: row.subject,
            text: row.textBody,
            html: row.htmlBody,
            status: row.status,
            keptHere: row.status === 'sent' && row.providerMessageId === 'local-mailbox',
            createdAt: row.createdAt.toISOString(),
          })),
        },
        200,
      )
    })
}
