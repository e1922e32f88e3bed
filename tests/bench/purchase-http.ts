/**
 * Figure 3: purchases end to end over HTTP, through the API on loopback and the local Plaid
 * stand-in (authorization, then transfer): purchases per second and p99 at 10 at a time.
 * A report figure; its ceiling is the stand-in's own rate for the same two Plaid calls.
 */
import { openAccessToken } from '@tenor/api/plaid/banks'
import { ACHClass, TransferNetwork, TransferType } from 'plaid'
import { createPlaidClient } from '../standins/plaid/testing.ts'
import { createPlaidTestApp } from '../support/plaid.ts'
import { addBuyer, addOffering } from '../support/purchases.ts'
import { type BenchFigure, figure } from './figures.ts'
import { median } from './harness.ts'

const concurrency = 10

async function timed<T>(work: () => Promise<T>): Promise<number> {
  const started = performance.now()
  await work()
  return performance.now() - started
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0
}

export async function benchPurchaseOverHttp(count = 200): Promise<BenchFigure[]> {
  const t = await createPlaidTestApp()
  try {
    const offering = await addOffering(t, { capacityCents: count * 100_000 })
    // Enough investors that none passes the limit of 20 purchases an hour, and few enough to
    // stay within the sign-up limit of one address.
    const buyers = await Promise.all(
      Array.from({ length: Math.ceil(count / 20) }, (_, n) => addBuyer(t, `bench${n}@example.com`)),
    )
    const latencies: number[] = []
    let failures = 0
    const started = performance.now()
    await Promise.all(
      Array.from({ length: concurrency }, async (_, lane) => {
        for (let n = lane; n < count; n += concurrency) {
          const buyer = buyers[n % buyers.length]
          if (!buyer) continue
          latencies.push(
            await timed(async () => {
              const res = await fetch(`${t.apiUrl}/purchases`, {
                method: 'POST',
                headers: {
                  'content-type': 'application/json',
                  authorization: `Bearer ${buyer.token}`,
                  'idempotency-key': `bench-${n}`,
                },
                body: JSON.stringify({
                  offeringId: offering.id,
                  bankAccountId: buyer.bankAccountId,
                  amountCents: 10_000,
                  consent: true,
                }),
              })
              if (res.status !== 201) failures++
              await res.arrayBuffer()
            }),
          )
        }
      }),
    )
    const perSecond = count / ((performance.now() - started) / 1000)

    // The ceiling: the same two Plaid calls made straight to the stand-in, 10 at a time.
    const sdk = createPlaidClient(t.plaid.url)
    const items = await t.db.database.db.query.plaidItems.findMany()
    const accounts = await t.db.database.db.query.bankAccounts.findMany()
    const rawStarted = performance.now()
    await Promise.all(
      Array.from({ length: concurrency }, async (_, lane) => {
        const account = accounts.find(
          (a) => a.subtype === 'checking' && a.itemId === items[lane]?.id,
        )
        const item = items[lane]
        if (!account || !item) return
        const accessToken = openAccessToken(item, t.deps.env.encryptionKeys)
        for (let n = lane; n < count; n += concurrency) {
          const { data } = await sdk.transferAuthorizationCreate({
            access_token: accessToken,
            account_id: account.plaidAccountId,
            type: TransferType.Debit,
            network: TransferNetwork.Ach,
            ach_class: ACHClass.Web,
            amount: '100.00',
            user: { legal_name: 'Bench Buyer' },
            idempotency_key: `raw-${n}`,
          })
          await sdk.transferCreate({
            access_token: accessToken,
            account_id: account.plaidAccountId,
            authorization_id: data.authorization.id,
            description: 'BENCH',
          })
        }
      }),
    )
    const rawPerSecond = count / ((performance.now() - rawStarted) / 1000)

    return [
      figure({
        name: 'End-to-end purchase over HTTP (10 at a time)',
        value: perSecond,
        unit: 'purchases/s',
        ceiling: rawPerSecond,
        ceilingName: 'the same Plaid calls, straight to the stand-in',
        extra: {
          p50Ms: Math.round(median(latencies)),
          p99Ms: Math.round(percentile(latencies, 99)),
          failures,
        },
      }),
    ]
  } finally {
    t.close()
  }
}
