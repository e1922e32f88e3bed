import type { OpenAPIHono } from '@hono/zod-openapi'
import { Hono } from 'hono'
import type { AppEnv } from '../../context.ts'
import { escapeHtml } from '../../lib/emails.ts'

type Document = ReturnType<OpenAPIHono<AppEnv>['getOpenAPI31Document']>

/** The OpenAPI 3.1 description, generated from the same zod schemas that validate requests. */
export function describeApi(app: OpenAPIHono<AppEnv>): Document {
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'http',
    scheme: 'bearer',
    description: 'The token from POST /auth/login, or the session cookie it sets.',
  })
  return app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: {
      title: 'Tenor API',
      version: '1.0.0',
      description:
        'Fixed-term, fixed-rate notes. Every error answers `{ "error": { "code", "message", "requestId" } }`; ' +
        'validation failures answer 422 with `issues`. State-changing requests must send `Content-Type: application/json`.',
    },
    security: [{ session: [] }],
  })
}

export function createDocsRoutes(app: OpenAPIHono<AppEnv>) {
  let cached: Document | undefined
  const document = () => {
    cached ??= describeApi(app)
    return cached
  }
  return new Hono<AppEnv>()
    .get('/openapi.json', (c) => c.json(document()))
    .get('/docs', (c) => {
      c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
      return c.html(renderReference(document()))
    })
}

/** A plain, dependency-free reference page: every route, its summary, and its answers. */
function renderReference(doc: Document): string {
  const sections = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    Object.entries(item ?? {})
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, raw]) => {
        const op = raw as {
          summary?: string
          description?: string
          tags?: string[]
          responses?: Record<string, { description?: string }>
          requestBody?: { content?: Record<string, { schema?: unknown }> }
        }
        const body = op.requestBody?.content?.['application/json']?.schema
        const answers = Object.entries(op.responses ?? {})
          .map(
            ([status, r]) => `<li><code>${status}</code> ${escapeHtml(r.description ?? '')}</li>`,
          )
          .join('')
        return `<section><h3><span class="m">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(op.summary ?? '')}</p>${op.description ? `<p>${escapeHtml(op.description)}</p>` : ''}
${body ? `<details><summary>Request body</summary><pre>${escapeHtml(JSON.stringify(body, null, 2))}</pre></details>` : ''}
<ul>${answers}</ul></section>`
      }),
  )
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Tenor API reference</title>
<style>body{font-family:system-ui,sans-serif;max-width:860px;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
section{border-top:1px solid #ddd;padding:.5rem 0}.m{display:inline-block;min-width:4rem;color:#14532d}
pre{background:#f5f5f4;padding:.75rem;overflow:auto;font-size:13px}</style></head>
<body><h1>Tenor API reference</h1><p>${escapeHtml(doc.info.description ?? '')}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${escapeHtml(doc.openapi)}).</p>
${sections.join('\n')}</body></html>`
}
