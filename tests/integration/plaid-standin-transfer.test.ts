import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import {
  ACHClass,
  type PlaidApi,
  TransferACHNetwork,
  TransferNetwork,
  TransferStatus,
  TransferType,
} from 'plaid'
import {
  catchPlaidError,
  type LinkedItem,
  linkItem,
  startTestStandIn,
  startWebhookReceiver,
  type TestStandIn,
  type WebhookReceiver,
} from '../standins/plaid/testing.ts'

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
let t: TestStandIn
let receiver: WebhookReceiver
let item: LinkedItem

beforeEach(async () => {
  receiver = startWebhookReceiver()
  t = await startTestStandIn({ transferWebhookUrl: receiver.url })
  item = await linkItem(t.client)
})
afterEach(async () => {
  await t.close()
  await receiver.stop()
})

interface AuthorizeOptions {
  amount: string
  type?: TransferType
  idempotencyKey?: string
  accountId?: string
  target?: LinkedItem
}

async function authorize(client: PlaidApi, options: AuthorizeOptions) {
  const target = options.target ?? item
  const response = await client.transferAuthorizationCreate({
    access_token: target.accessToken,
    account_id: options.accountId ?? target.checkingId,
    type: options.type ?? TransferType.Debit,
    network: TransferNetwork.Ach,
    ach_class: ACHClass.Web,
    amount: options.amount,
    user: { legal_name: 'Ada Lovelace', email_address: 'ada@example.com' },
    idempotency_key: options.idempotencyKey,
  })

  return response.data.authorization
}

async function createTransfer(amount: string, type = TransferType.Debit) {
  const authorization = await authorize(t.client, { amount, type })
  const response = await t.client.transferCreate({
    access_token: item.accessToken,
    account_id: item.checkingId,
    authorization_id: authorization.id,
    description: type === TransferType.Debit ? 'PAYMENT' : 'PAYOUT',
    metadata: { purchase_id: 'p-1' },
  })

  return response.data.transfer
}

async function ledger() {
  return (await t.client.transferLedgerGet({})).data.balance
}

async function statusOf(transferId: string): Promise<string> {
  return (await t.client.transferGet({ transfer_id: transferId })).data.transfer.status
}

async function eventTypes(transferId: string): Promise<string[]> {
  const { transfer_events } = (await t.client.transferEventSync({ after_id: 0, count: 500 })).data
  return transfer_events
    .filter((event) => event.transfer_id === transferId)
    .map((event) => event.event_type)
}

describe('POST /transfer/authorization/create', () => {
  test('approves a debit within the available balance with a null rationale', async () => {
    const authorization = await authorize(t.client, { amount: '1000.00' })
    expect(authorization.id).toMatch(uuid)
    expect(authorization).toMatchObject({ decision: 'approved', decision_rationale: null })
    expect(authorization.guarantee_decision).toBeNull()
    expect(authorization.proposed_transfer).toMatchObject({
      account_id: item.checkingId,
      amount: '1000.00',
      network: 'ach',
      ach_class: 'web',
      type: 'debit',
      user: { legal_name: 'Ada Lovelace', email_address: 'ada@example.com', phone_number: null },
    })
  })

  test('declines a debit above the available balance as NSF', async () => {
    const authorization = await authorize(t.client, { amount: '25000.01' })
    expect(authorization).toMatchObject({
      decision: 'declined',
      decision_rationale: { code: 'NSF' },
    })
  })

  test('declines a debit from an account with nothing available as RISK', async () => {
    const password = JSON.stringify({
      override_accounts: [{ type: 'depository', subtype: 'checking', starting_balance: 0 }],
    })
    const empty = await linkItem(t.client, { username: 'user_custom', password })
    const authorization = await authorize(t.client, { amount: '1.00', target: empty })
    expect(authorization).toMatchObject({
      decision: 'declined',
      decision_rationale: { code: 'RISK' },
    })
  })

  test('approves with an ITEM_LOGIN_REQUIRED rationale when the Item needs login', async () => {
    await t.client.sandboxItemResetLogin({ access_token: item.accessToken })
    const authorization = await authorize(t.client, { amount: '10.00' })
    expect(authorization).toMatchObject({
      decision: 'approved',
      decision_rationale: { code: 'ITEM_LOGIN_REQUIRED' },
    })
  })

  test('refuses a credit card account, which cannot fund a transfer', async () => {
    const { data } = await catchPlaidError(
      authorize(t.client, { amount: '10.00', accountId: item.creditCardId ?? '' }),
    )
    expect(data).toMatchObject({
      error_type: 'TRANSFER_ERROR',
      error_code: 'TRANSFER_UNSUPPORTED_ACCOUNT_TYPE',
    })
  })

  test('answers the first authorization again for a repeated idempotency_key', async () => {
    const first = await authorize(t.client, { amount: '10.00', idempotencyKey: 'purchase-1' })
    const again = await authorize(t.client, { amount: '10.00', idempotencyKey: 'purchase-1' })
    const other = await authorize(t.client, { amount: '10.00', idempotencyKey: 'purchase-2' })
    expect(again).toEqual(first)
    expect(other.id).not.toBe(first.id)
  })

  test('declines a credit the Ledger cannot cover as NSF', async () => {
    const authorization = await authorize(t.client, {
      amount: '1000000.01',
      type: TransferType.Credit,
    })
    expect(authorization).toMatchObject({
      decision: 'declined',
      decision_rationale: { code: 'NSF' },
    })
  })
})

describe('POST /transfer/create, /transfer/get and /transfer/cancel', () => {
  test('creates a pending, cancellable transfer once per authorization', async () => {
    const authorization = await authorize(t.client, { amount: '250.00' })
    const request = {
      access_token: item.accessToken,
      account_id: item.checkingId,
      authorization_id: authorization.id,
      description: 'PAYMENT',
    }
    const first = (await t.client.transferCreate(request)).data.transfer
    const second = (await t.client.transferCreate(request)).data.transfer
    expect(first.id).toMatch(uuid)
    expect(first).toMatchObject({
      status: 'pending',
      cancellable: true,
      amount: '250.00',
      authorization_id: authorization.id,
      failure_reason: null,
    })
    expect(second.id).toBe(first.id)
    expect(await eventTypes(first.id)).toEqual(['pending'])
  })

  test('refuses to create a transfer from a declined authorization', async () => {
    const authorization = await authorize(t.client, { amount: '99999.00' })
    const { data } = await catchPlaidError(
      t.client.transferCreate({
        access_token: item.accessToken,
        account_id: item.checkingId,
        authorization_id: authorization.id,
        description: 'PAYMENT',
      }),
    )
    expect(data).toMatchObject({ error_type: 'TRANSFER_ERROR' })
  })

  test('makes a transfer from an authorization within its hour, and refuses one after', async () => {
    let now = new Date('2026-03-02T15:00:00Z')
    const timed = await startTestStandIn({ clock: () => now })
    try {
      const linked = await linkItem(timed.client)
      const create = (authorizationId: string) =>
        timed.client.transferCreate({
          access_token: linked.accessToken,
          account_id: linked.checkingId,
          authorization_id: authorizationId,
          description: 'PAYMENT',
        })
      const early = await authorize(timed.client, { amount: '5.00', target: linked })
      const late = await authorize(timed.client, { amount: '6.00', target: linked })

      now = new Date(now.getTime() + 59 * 60 * 1000)
      expect((await create(early.id)).data.transfer.status).toBe(TransferStatus.Pending)
      now = new Date(now.getTime() + 60 * 1000)
      const { status, data } = await catchPlaidError(create(late.id))
      expect(status).toBe(400)
      expect(data).toMatchObject({
        error_type: 'TRANSFER_ERROR',
        error_code: 'TRANSFER_AUTHORIZATION_EXPIRED',
      })
      // The transfer made within the hour is still answered for its authorization.
      expect((await create(early.id)).data.transfer.amount).toBe('5.00')
    } finally {
      await timed.close()
    }
  })

  test('reads a transfer by id or by authorization, and 404s an unused authorization', async () => {
    const transfer = await createTransfer('40.00')
    const byId = await t.client.transferGet({ transfer_id: transfer.id })
    const byAuthorization = await t.client.transferGet({
      authorization_id: transfer.authorization_id,
    })
    expect(byAuthorization.data.transfer).toEqual(byId.data.transfer)

    const unused = await authorize(t.client, { amount: '5.00' })
    const { status, data } = await catchPlaidError(
      t.client.transferGet({ authorization_id: unused.id }),
    )
    expect(status).toBe(404)
    expect(data).toMatchObject({ error_type: 'INVALID_REQUEST', error_code: 'NOT_FOUND' })
  })

  test('cancels a pending transfer, and refuses once it is no longer cancellable', async () => {
    const transfer = await createTransfer('40.00')
    await t.client.transferCancel({ transfer_id: transfer.id })
    expect(await statusOf(transfer.id)).toBe('cancelled')
    const { data } = await catchPlaidError(t.client.transferCancel({ transfer_id: transfer.id }))
    expect(data).toMatchObject({
      error_type: 'TRANSFER_ERROR',
      error_code: 'TRANSFER_NOT_CANCELLABLE',
    })
  })
})

describe('POST /sandbox/transfer/simulate', () => {
  test('walks a debit to funds_available and releases it into the Ledger', async () => {
    const before = await ledger()
    const transfer = await createTransfer('100.00')
    expect(await ledger()).toEqual({ available: before.available, pending: '100.00' })
    for (const event_type of ['posted', 'settled', 'funds_available']) {
      await t.client.sandboxTransferSimulate({ transfer_id: transfer.id, event_type })
    }
    expect(await statusOf(transfer.id)).toBe('funds_available')
    expect(await ledger()).toEqual({ available: '1000100.00', pending: '0.00' })
    expect(await eventTypes(transfer.id)).toEqual([
      'pending',
      'posted',
      'settled',
      'funds_available',
    ])
  })

  test('refuses a transition Plaid does not allow', async () => {
    const transfer = await createTransfer('100.00')
    const { status, data } = await catchPlaidError(
      t.client.sandboxTransferSimulate({ transfer_id: transfer.id, event_type: 'settled' }),
    )
    expect(status).toBe(400)
    expect(data).toMatchObject({
      error_type: 'SANDBOX_ERROR',
      error_code: 'SANDBOX_TRANSFER_EVENT_TRANSITION_INVALID',
    })
    expect(await statusOf(transfer.id)).toBe('pending')
  })

  test('refuses funds_available for a credit, which ends at settled', async () => {
    const transfer = await createTransfer('100.00', TransferType.Credit)
    await t.client.sandboxTransferSimulate({ transfer_id: transfer.id, event_type: 'posted' })
    await t.client.sandboxTransferSimulate({ transfer_id: transfer.id, event_type: 'settled' })
    const { data } = await catchPlaidError(
      t.client.sandboxTransferSimulate({ transfer_id: transfer.id, event_type: 'funds_available' }),
    )
    expect(data.error_code).toBe('SANDBOX_TRANSFER_EVENT_TRANSITION_INVALID')
  })

  test('returns a settled debit with the ACH return code it was given', async () => {
    const transfer = await createTransfer('100.00')
    await t.client.sandboxTransferSimulate({ transfer_id: transfer.id, event_type: 'posted' })
    await t.client.sandboxTransferSimulate({ transfer_id: transfer.id, event_type: 'settled' })
    await t.client.sandboxTransferSimulate({
      transfer_id: transfer.id,
      event_type: 'returned',
      failure_reason: { failure_code: 'R10' },
    })
    const read = (await t.client.transferGet({ transfer_id: transfer.id })).data.transfer
    expect(read).toMatchObject({ status: 'returned' })
    expect(read.failure_reason).toMatchObject({ failure_code: 'R10', ach_return_code: 'R10' })
    expect(await ledger()).toEqual({ available: '1000000.00', pending: '0.00' })
  })

  test('fires TRANSFER_EVENTS_UPDATE only when given a webhook URL', async () => {
    const transfer = await createTransfer('100.00')
    await t.client.sandboxTransferSimulate({ transfer_id: transfer.id, event_type: 'posted' })
    await t.client.sandboxTransferSimulate({
      transfer_id: transfer.id,
      event_type: 'settled',
      webhook: receiver.url,
    })
    await t.standIn.settleWebhooks()
    expect(receiver.received.map((webhook) => JSON.parse(webhook.body))).toEqual([
      { webhook_type: 'TRANSFER', webhook_code: 'TRANSFER_EVENTS_UPDATE', environment: 'sandbox' },
    ])
  })
})

describe('magic amounts', () => {
  const cases: [string, string[], string | null][] = [
    ['11.11', ['pending', 'posted', 'settled', 'funds_available'], null],
    ['22.22', ['pending', 'failed'], null],
    ['33.33', ['pending', 'posted', 'returned'], 'R01'],
    ['44.44', ['pending', 'posted', 'returned'], 'R02'],
    ['55.55', ['pending', 'posted', 'returned'], 'R16'],
    ['66.66', ['pending', 'posted', 'settled', 'returned'], 'R10'],
  ]

  for (const [amount, events, returnCode] of cases) {
    test(`$${amount} runs ${events.slice(1).join(' → ')} and fires a webhook`, async () => {
      const created = await createTransfer(amount)
      expect(created).toMatchObject({ status: 'pending' })
      expect(await eventTypes(created.id)).toEqual(events)
      const read = (await t.client.transferGet({ transfer_id: created.id })).data.transfer
      expect(read).toMatchObject({ status: events.at(-1) })
      expect(read.failure_reason?.failure_code ?? null).toBe(returnCode)
      await t.standIn.settleWebhooks()
      expect(receiver.received).toHaveLength(1)
    })
  }

  test('$11.11 as a credit stops at settled', async () => {
    const created = await createTransfer('11.11', TransferType.Credit)
    expect(await eventTypes(created.id)).toEqual(['pending', 'posted', 'settled'])
  })
})

describe('Ledger and events', () => {
  test('a credit leaves the Ledger at creation and a returned credit puts it back', async () => {
    const transfer = await createTransfer('500.00', TransferType.Credit)
    expect((await ledger()).available).toBe('999500.00')
    await t.client.sandboxTransferSimulate({ transfer_id: transfer.id, event_type: 'posted' })
    await t.client.sandboxTransferSimulate({ transfer_id: transfer.id, event_type: 'returned' })
    expect((await ledger()).available).toBe('1000000.00')
  })

  test('deposits once per idempotency_key and records sweep events without a transfer id', async () => {
    const request = {
      amount: '250.00',
      idempotency_key: 'deposit-1',
      network: TransferACHNetwork.Ach,
    }
    const first = (await t.client.transferLedgerDeposit(request)).data.sweep
    const again = (await t.client.transferLedgerDeposit(request)).data.sweep
    expect(again.id).toBe(first.id)
    expect(first.amount).toBe('-250.00')
    expect((await ledger()).available).toBe('1000250.00')

    const { transfer_events } = (await t.client.transferEventSync({ after_id: 0 })).data
    const sweeps = transfer_events.filter((event) => event.sweep_id === first.id)
    expect(sweeps.map((event) => [event.event_type, event.transfer_id])).toEqual([
      ['sweep.pending', ''],
      ['sweep.funds_available', ''],
    ])
  })

  test('refuses a deposit without an idempotency_key', async () => {
    const response = await fetch(`${t.standIn.url}/transfer/ledger/deposit`, {
      method: 'POST',
      headers: { 'PLAID-CLIENT-ID': 'id', 'PLAID-SECRET': 'secret' },
      body: JSON.stringify({ amount: '1.00', network: 'ach' }),
    })
    expect(response.status).toBe(400)
    expect(await response.json()).toMatchObject({ error_code: 'MISSING_FIELDS' })
  })

  test('pages events after an id with sequential ids and has_more', async () => {
    for (const amount of ['1.00', '2.00', '3.00']) await createTransfer(amount)
    const page = (await t.client.transferEventSync({ after_id: 0, count: 2 })).data
    expect(page.transfer_events.map((event) => event.event_id)).toEqual([1, 2])
    expect(page.has_more).toBe(true)
    const rest = (await t.client.transferEventSync({ after_id: 2, count: 2 })).data
    expect(rest.transfer_events.map((event) => event.event_id)).toEqual([3])
    expect(rest.has_more).toBe(false)

    const { data } = await catchPlaidError(t.client.transferEventSync({ after_id: 0, count: 501 }))
    expect(data.error_code).toBe('INVALID_FIELD')
  })

  test('sandbox fire_webhook sends TRANSFER_EVENTS_UPDATE to the URL given', async () => {
    await t.client.sandboxTransferFireWebhook({ webhook: receiver.url })
    await t.standIn.settleWebhooks()
    expect(JSON.parse(receiver.received[0]?.body ?? '{}')).toMatchObject({
      webhook_code: 'TRANSFER_EVENTS_UPDATE',
    })
  })

  test('keeps transfers, events and the Ledger across a restart', async () => {
    const transfer = await createTransfer('11.11')
    await t.restart()
    expect(await statusOf(transfer.id)).toBe('funds_available')
    expect(await ledger()).toEqual({ available: '1000011.11', pending: '0.00' })
    expect(await eventTypes(transfer.id)).toHaveLength(4)
  })
})
