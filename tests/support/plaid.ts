import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type PlaidStandIn, startPlaidStandIn } from '../standins/plaid/index.ts'
import { createTestApp, type TestApp } from './app.ts'

export interface PlaidTestApp extends TestApp {
  plaid: PlaidStandIn
  apiUrl: string
  /** The stand-in's state file, which holds its signing keys. */
  plaidStatePath: string
  /** Links a sandbox bank for a signed-in user through the same steps the site takes. */
  linkBank(
    token: string,
    options?: { institutionId?: string; password?: string },
  ): Promise<Response>
}

/**
 * A test app served over HTTP on loopback (so the Plaid stand-in can deliver webhooks to it)
 * and a fresh Plaid stand-in with its own state file; `env` adds or overrides settings.
 */
export async function createPlaidTestApp(env: Record<string, string> = {}): Promise<PlaidTestApp> {
  const dir = mkdtempSync(join(tmpdir(), 'tenor-plaid-'))
  let forward: (request: Request) => Response | Promise<Response> = () =>
    new Response(null, { status: 503 })
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: (request) => forward(request) })
  const apiUrl = `http://127.0.0.1:${server.port}`
  // Plaid and Tenor share one clock, so webhook ages and expiries agree in tests.
  let now = () => new Date()
  const plaid = await startPlaidStandIn({
    port: 0,
    statePath: join(dir, 'plaid.json'),
    clock: () => now(),
  })
  const t = await createTestApp({
    PLAID_LOCAL_URL: plaid.url,
    PLAID_WEBHOOK_URL: `${apiUrl}/webhooks/plaid`,
    ...env,
  })
  forward = (request) => t.app.fetch(request)
  now = () => t.clock.now()
  plaid.setTransferWebhook(`${apiUrl}/webhooks/plaid`)

  async function linkBank(
    token: string,
    options: { institutionId?: string; password?: string } = {},
  ) {
    const created = await t.request('/banks/link-token', { json: {}, token })
    const { linkToken } = (await created.json()) as { linkToken: string }
    const completed = await t.request('/dev/plaid/link', {
      json: {
        linkToken,
        institutionId: options.institutionId ?? 'ins_109508',
        username: 'user_good',
        password: options.password ?? 'pass_good',
      },
    })
    if (completed.status !== 200) return completed
    const link = (await completed.json()) as {
      publicToken: string
      institution: { id: string }
      accounts: { name: string; mask: string | null }[]
    }
    return t.request('/banks', {
      json: {
        publicToken: link.publicToken,
        institutionId: link.institution.id,
        accounts: link.accounts,
      },
      token,
    })
  }

  return {
    ...t,
    plaid,
    apiUrl,
    plaidStatePath: join(dir, 'plaid.json'),
    linkBank,
    close() {
      server.stop(true)
      void plaid.stop()
      t.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
