import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { ACHClass, TransferNetwork, TransferType } from 'plaid'
import type { CallRecord, FaultSpec } from '../standins/plaid/index.ts'
import {
  catchPlaidError,
  createPlaidClient,
  type LinkedItem,
  linkItem,
  startTestStandIn,
  type TestStandIn,
} from '../standins/plaid/testing.ts'

let t: TestStandIn
let item: LinkedItem

beforeEach(async () => {
  t = await startTestStandIn()
  item = await linkItem(t.client)
})
afterEach(() => t.close())

async function injectFault(spec: FaultSpec): Promise<Response> {
  return fetch(`${t.standIn.url}/__standin/faults`, {
    method: 'POST',
    body: JSON.stringify(spec),
  })
}

async function readCalls(path: string): Promise<{ count: number; calls: CallRecord[] }> {
  const response = await fetch(`${t.standIn.url}/__standin/calls?path=${encodeURIComponent(path)}`)
  return (await response.json()) as { count: number; calls: CallRecord[] }
}

async function authorize(idempotencyKey: string) {
  const response = await t.client.transferAuthorizationCreate({
    access_token: item.accessToken,
    account_id: item.checkingId,
    type: TransferType.Debit,
    network: TransferNetwork.Ach,
    ach_class: ACHClass.Web,
    amount: '75.00',
    user: { legal_name: 'Ada Lovelace' },
    idempotency_key: idempotencyKey,
  })

  return response.data.authorization
}

function transferRequest(authorizationId: string) {
  return {
    access_token: item.accessToken,
    account_id: item.checkingId,
    authorization_id: authorizationId,
    description: 'PAYMENT',
  }
}

describe('fault injection', () => {
  test('error500 refuses without doing the work, once', async () => {
    const authorization = await authorize('purchase-1')
    expect((await injectFault({ path: '/transfer/create', mode: 'error500' })).status).toBe(201)

    const failed = await catchPlaidError(t.client.transferCreate(transferRequest(authorization.id)))
    expect(failed.status).toBe(500)
    expect(failed.data).toMatchObject({
      error_type: 'API_ERROR',
      error_code: 'INTERNAL_SERVER_ERROR',
    })
    const lookup = await catchPlaidError(
      t.client.transferGet({ authorization_id: authorization.id }),
    )
    expect(lookup.status).toBe(404)

    const retried = await t.client.transferCreate(transferRequest(authorization.id))
    expect(retried.data.transfer).toMatchObject({ status: 'pending' })
  })

  test('lost_reply does the work but answers 500, so a retry finds the same transfer', async () => {
    const authorization = await authorize('purchase-2')
    await injectFault({ path: '/transfer/create', mode: 'lost_reply' })

    const failed = await catchPlaidError(t.client.transferCreate(transferRequest(authorization.id)))
    expect(failed.status).toBe(500)
    const found = await t.client.transferGet({ authorization_id: authorization.id })
    const retried = await t.client.transferCreate(transferRequest(authorization.id))
    expect(retried.data.transfer.id).toBe(found.data.transfer.id)

    const { count, calls } = await readCalls('/transfer/create')
    expect(count).toBe(2)
    expect(calls.map((call) => [call.status, call.fault, call.authorizationId])).toEqual([
      [500, 'lost_reply', authorization.id],
      [200, null, authorization.id],
    ])
  })

  test('timeout holds the reply past the client timeout and does nothing', async () => {
    const authorization = await authorize('purchase-3')
    await injectFault({ path: '/transfer/create', mode: 'timeout', delayMs: 5_000 })
    const impatient = createPlaidClient(t.standIn.url, 200)

    const started = Date.now()
    const error = await impatient.transferCreate(transferRequest(authorization.id)).catch((e) => e)
    expect(error).toMatchObject({ code: 'ECONNABORTED' })
    expect(Date.now() - started).toBeLessThan(2_000)
    const lookup = await catchPlaidError(
      t.client.transferGet({ authorization_id: authorization.id }),
    )
    expect(lookup.status).toBe(404)
  })

  test('rate_limited answers 429, times counts the hits, and * matches every path', async () => {
    await injectFault({ path: '*', mode: 'rate_limited', times: 2 })
    const first = await catchPlaidError(t.client.transferLedgerGet({}))
    const second = await catchPlaidError(t.client.itemGet({ access_token: item.accessToken }))
    expect([first.status, second.status]).toEqual([429, 429])
    expect(first.data).toMatchObject({ error_type: 'RATE_LIMIT_EXCEEDED' })
    expect((await t.client.transferLedgerGet({})).status).toBe(200)
  })

  test('lists and clears faults, and refuses a malformed one', async () => {
    t.standIn.injectFault({ path: '/item/get', mode: 'error500', times: 3 })
    const listed = (await (await fetch(`${t.standIn.url}/__standin/faults`)).json()) as {
      faults: unknown[]
    }
    expect(listed.faults).toEqual([
      { path: '/item/get', mode: 'error500', remaining: 3, delayMs: 0 },
    ])
    await fetch(`${t.standIn.url}/__standin/faults`, { method: 'DELETE' })
    expect((await t.client.itemGet({ access_token: item.accessToken })).status).toBe(200)

    const bad = await fetch(`${t.standIn.url}/__standin/faults`, {
      method: 'POST',
      body: JSON.stringify({ path: '/item/get', mode: 'explode' }),
    })
    expect(bad.status).toBe(400)
  })
})

describe('call log', () => {
  test('counts calls per path with the idempotency keys seen', async () => {
    await authorize('purchase-9')
    await authorize('purchase-9')
    const { count, calls } = await readCalls('/transfer/authorization/create')
    expect(count).toBe(2)
    expect(calls.map((call) => call.idempotencyKey)).toEqual(['purchase-9', 'purchase-9'])

    const all = (await (await fetch(`${t.standIn.url}/__standin/calls`)).json()) as {
      counts: Record<string, number>
    }
    expect(all.counts['/sandbox/public_token/create']).toBe(1)
    await fetch(`${t.standIn.url}/__standin/calls`, { method: 'DELETE' })
    expect(t.standIn.calls()).toEqual([])
  })
})

describe('command line', () => {
  test('logs one JSON line when listening on 127.0.0.1 and stops on SIGTERM', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'plaid-standin-cli-'))
    const main = resolve(import.meta.dir, '../standins/plaid/main.ts')
    const child = Bun.spawn(
      [process.execPath, main, '--port', '0', '--state', join(directory, 'state.json')],
      { stdout: 'pipe', stderr: 'pipe' },
    )
    try {
      const reader = child.stdout.getReader()
      const { value } = await reader.read()
      reader.releaseLock()
      const line = JSON.parse(new TextDecoder().decode(value).split('\n')[0] ?? '')
      expect(line).toMatchObject({ level: 'info', msg: 'plaid stand-in listening' })
      expect(line.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)

      const health = await fetch(`${line.url}/__standin/health`)
      expect(await health.json()).toEqual({ ok: true })
    } finally {
      child.kill('SIGTERM')
      expect(await child.exited).toBe(0)
      rmSync(directory, { recursive: true, force: true })
    }
  })
})
