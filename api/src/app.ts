import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import type { AppDeps } from './context.ts'
import { ApiError } from './lib/errors.ts'
import { requestMetrics } from './lib/metrics.ts'
import { createRouter } from './lib/openapi.ts'
import { rateLimitRules as rules } from './lib/rate-limit-rules.ts'
import { reportError } from './lib/sentry.ts'
import { corsForSite } from './middleware/cors.ts'
import { requireSameOrigin } from './middleware/csrf.ts'
import { requireHttps } from './middleware/https.ts'
import { jsonHygiene } from './middleware/json-hygiene.ts'
import { jsonOnly } from './middleware/json-only.ts'
import { rateLimits, signedInRateLimits } from './middleware/rate-limit.ts'
import { requestContext } from './middleware/request-context.ts'
import { securityHeaders } from './middleware/security-headers.ts'
import { loadSession } from './middleware/session.ts'
import { createAdminRoutes } from './routes/admin/admin.index.ts'
import { createAuthRoutes } from './routes/auth/auth.index.ts'
import { createBankRoutes } from './routes/banks/banks.index.ts'
import { createDevRoutes } from './routes/dev/dev.index.ts'
import { createDocsRoutes } from './routes/docs/docs.index.ts'
import { createHealthRoutes } from './routes/health/health.index.ts'
import { createKycRoutes } from './routes/kyc/kyc.index.ts'
import { createMeRoutes } from './routes/me/me.index.ts'
import { createOfferingRoutes } from './routes/offerings/offerings.index.ts'
import { createPortfolioRoutes } from './routes/portfolio/portfolio.index.ts'
import { createPurchaseRoutes } from './routes/purchases/purchases.index.ts'
import { createWebhookRoutes } from './routes/webhooks/webhooks.index.ts'

export const maxBodyBytes = 64 * 1024
const bodyMethods = ['POST', 'PUT', 'PATCH', 'DELETE']

/** Builds the whole API. Tests call this with their own database and clock. */
export function createApp(deps: AppDeps) {
  const app = createRouter()

  // Order matters: identify and measure everything, answer HTTPS and CORS before any body is
  // read, refuse cross-site requests before the Content-Type check, and check the body's
  // shape before sessions or handlers see it. The body guards are mounted for the methods that
  // carry one: no GET or HEAD handler reads a body, and every layer costs each public read.
  app.use(requestContext(deps.log, requestMetrics))
  app.use(securityHeaders(deps))
  app.use(requireHttps(deps))
  app.use(corsForSite(deps))
  app.on(
    bodyMethods,
    '*',
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', 'The request body is too large.')
      },
    }),
    requireSameOrigin(deps),
    jsonOnly,
    jsonHygiene,
  )
  app.use(loadSession(deps))
  // Routes that check a password or a code for a signed-in user, mounted elsewhere by path
  // (reading how many recovery codes are left checks nothing, and is not counted).
  app.on(
    'POST',
    ['/me/two-factor/*'],
    ...signedInRateLimits(deps, rules.twoFactorByAddress, rules.twoFactorByUser),
  )
  app.on('POST', ['/me/two-factor/setup'], ...signedInRateLimits(deps, rules.twoFactorSetupByUser))
  app.on(
    'POST',
    ['/banks', '/banks/:itemId/reconnected'],
    ...signedInRateLimits(deps, rules.bankPlaidByAddress, rules.bankPlaidByUser),
  )
  // Changes that email someone count; withdrawing a waiting change of address (DELETE) sends
  // nothing and must stay open to the owner however many changes were asked this hour.
  app.on('POST', ['/me/password', '/me/email'], ...rateLimits(deps, rules.credentialChangeByUser))

  const routes = app
    .route('/', createHealthRoutes(deps))
    .route('/auth', createAuthRoutes(deps))
    .route('/me', createMeRoutes(deps))
    .route('/offerings', createOfferingRoutes(deps))
    .route('/banks', createBankRoutes(deps))
    .route('/purchases', createPurchaseRoutes(deps))
    .route('/portfolio', createPortfolioRoutes(deps))
    .route('/webhooks', createWebhookRoutes(deps))
    .route('/kyc', createKycRoutes(deps))
    .route('/admin', createAdminRoutes(deps))
    .route('/dev', createDevRoutes(deps))

  // The description of every route is for building against the API, not for the public: no
  // docs endpoints in production (docs/security.md, section 7).
  if (deps.env.appEnv !== 'production') app.route('/', createDocsRoutes(app))

  app.notFound((c) =>
    c.json(
      {
        error: {
          code: 'not_found',
          message: 'No such route.',
          requestId: c.get('requestId'),
        },
      },
      404,
    ),
  )

  app.onError((error, c) => {
    const requestId = c.get('requestId') ?? ''
    if (error instanceof ApiError) {
      return c.json(
        { error: { code: error.code, message: error.message, requestId, ...error.details } },
        error.status,
      )
    }
    if (error instanceof HTTPException && error.status < 500) {
      // Hono's own 4xx: chiefly a body that is not valid JSON.
      const malformed = error.status === 400
      return c.json(
        {
          error: {
            code: malformed ? 'malformed_json' : 'bad_request',
            message: malformed ? 'The request body is not valid JSON.' : error.message,
            requestId,
          },
        },
        error.status,
      )
    }
    ;(c.get('log') ?? deps.log).error('unhandled error', { error })
    reportError(error, {
      requestId,
      method: c.req.method,
      route: c.req.routePath,
      userId: c.get('user')?.id,
    })
    return c.json(
      {
        error: {
          code: 'internal_error',
          message: 'Something went wrong on our side. Try again; if it persists, contact support.',
          requestId,
        },
      },
      500,
    )
  })

  return routes
}

export type AppType = ReturnType<typeof createApp>
