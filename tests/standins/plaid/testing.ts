import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Configuration, PlaidApi, type PlaidError, Products } from 'plaid'
import { isRecord } from './fields.ts'
import { type PlaidStandIn, type PlaidStandInOptions, startPlaidStandIn } from './index.ts'

/** A stand-in on a free port with its own temporary state file, for one test. */
export interface TestStandIn {
  standIn: PlaidStandIn
  client: PlaidApi
  statePath: string
  /** Stops the server and starts a new one on the same state file. */
  restart(): Promise<void>
  close(): Promise<void>
}

export async function startTestStandIn(
  options: Partial<PlaidStandInOptions> = {},
): Promise<TestStandIn> {
  const directory = mkdtempSync(join(tmpdir(), 'plaid-standin-'))
  const statePath = join(directory, 'state.json')
  const standIn = await startPlaidStandIn({ ...options, port: 0, statePath })
  const test: TestStandIn = {
    standIn,
    client: createPlaidClient(standIn.url),
    statePath,
    async restart() {
      await test.standIn.stop()
      test.standIn = await startPlaidStandIn({ ...options, port: 0, statePath })
      test.client = createPlaidClient(test.standIn.url)
    },
    async close() {
      await test.standIn.stop()
      rmSync(directory, { recursive: true, force: true })
    },
  }

  return test
}

/** The official SDK pointed at the stand-in, configured the way the app configures it. */
export function createPlaidClient(basePath: string, timeout?: number): PlaidApi {
  return new PlaidApi(
    new Configuration({
      basePath,
      baseOptions: {
        headers: { 'PLAID-CLIENT-ID': 'test-client-id', 'PLAID-SECRET': 'test-secret' },
        ...(timeout === undefined ? {} : { timeout }),
      },
    }),
  )
}

export interface CaughtPlaidError {
  status: number
  data: PlaidError
}

/** Awaits a call that must fail and answers axios's `error.response`, as the app reads it. */
export async function catchPlaidError(call: Promise<unknown>): Promise<CaughtPlaidError> {
  try {
    await call
  } catch (error) {
    const response = isRecord(error) ? error.response : undefined
    if (isRecord(response) && typeof response.status === 'number' && isPlaidError(response.data)) {
      return { status: response.status, data: response.data }
    }
    throw error
  }
  throw new Error('expected the Plaid call to fail, but it succeeded')
}

function isPlaidError(value: unknown): value is PlaidError {
  return isRecord(value) && typeof value.error_code === 'string'
}

export interface LinkedItem {
  accessToken: string
  itemId: string
  checkingId: string
  savingsId: string
  creditCardId: string | null
}

/** Links a Sandbox Item the way the app's tests would: public token, then exchange. */
export async function linkItem(
  client: PlaidApi,
  options: { webhook?: string; username?: string; password?: string } = {},
): Promise<LinkedItem> {
  const created = await client.sandboxPublicTokenCreate({
    institution_id: 'ins_109508',
    initial_products: [Products.Transfer],
    options: {
      webhook: options.webhook,
      override_username: options.username,
      override_password: options.password,
    },
  })
  const exchanged = await client.itemPublicTokenExchange({
    public_token: created.data.public_token,
  })
  const { accounts } = (await client.accountsGet({ access_token: exchanged.data.access_token }))
    .data
  const idOf = (subtype: string) =>
    accounts.find((account) => account.subtype === subtype)?.account_id ?? null

  return {
    accessToken: exchanged.data.access_token,
    itemId: exchanged.data.item_id,
    checkingId: idOf('checking') ?? '',
    savingsId: idOf('savings') ?? '',
    creditCardId: idOf('credit card'),
  }
}

export interface ReceivedWebhook {
  body: string
  verification: string | null
}

export interface WebhookReceiver {
  url: string
  received: ReceivedWebhook[]
  /** Answers with this status from now on (e.g. 500 to test a failing receiver). */
  answerWith(status: number): void
  stop(): Promise<void>
}

/** A tiny receiver on 127.0.0.1 that keeps each webhook's exact bytes and signature header. */
export function startWebhookReceiver(): WebhookReceiver {
  const received: ReceivedWebhook[] = []
  let status = 200
  const server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(request) {
      received.push({
        body: await request.text(),
        verification: request.headers.get('plaid-verification'),
      })
      return new Response(null, { status })
    },
  })

  return {
    url: `http://127.0.0.1:${server.port}/webhooks/plaid`,
    received,
    answerWith(next) {
      status = next
    },
    stop: () => server.stop(true),
  }
}
