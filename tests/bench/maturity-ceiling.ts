/**
 * The ceiling of the maturity-run figure, run as its own process like the worker: every
 * payout's two Plaid calls (credit authorization, then the transfer), with the shape the
 * worker sends, straight to the stand-in through the app's SDK client, `concurrency` at once.
 *   bun tests/bench/maturity-ceiling.ts PLAN.json
 * Prints one JSON line: { created, failures }.
 */

import { payoutDescription } from '@tenor/api/maturities/send-transfer'
import { createPlaidClient } from '@tenor/api/plaid/client'
import { formatDecimalAmount } from '@tenor/api/purchases/funding'
import { parseEnv } from '@tenor/db/env'
import { ACHClass, TransferNetwork, TransferType } from 'plaid'
import type { Destination } from './maturity-fixture.ts'

export interface CeilingPlan {
  plaidUrl: string
  concurrency: number
  destinations: Destination[]
  payouts: { plaidKey: string; purchaseId: string; investor: number; amountCents: number }[]
}

const planPath = Bun.argv[2]
if (!planPath) throw new Error('usage: bun tests/bench/maturity-ceiling.ts PLAN.json')
const plan = (await Bun.file(planPath).json()) as CeilingPlan
const { plaid } = parseEnv({ APP_ENV: 'test', PLAID_LOCAL_URL: plan.plaidUrl })
const sdk = createPlaidClient(plaid)

let next = 0
let created = 0
let failures = 0
await Promise.all(
  Array.from({ length: plan.concurrency }, async () => {
    for (let n = next++; n < plan.payouts.length; n = next++) {
      const payout = plan.payouts[n]
      const destination = payout && plan.destinations[payout.investor]
      if (!payout || !destination) continue
      try {
        const { data } = await sdk.transferAuthorizationCreate({
          access_token: destination.accessToken,
          account_id: destination.plaidAccountId,
          type: TransferType.Credit,
          network: TransferNetwork.Ach,
          ach_class: ACHClass.Ppd,
          amount: formatDecimalAmount(payout.amountCents),
          user: { legal_name: destination.legalName },
          idempotency_key: payout.plaidKey,
        })
        await sdk.transferCreate({
          access_token: destination.accessToken,
          account_id: destination.plaidAccountId,
          authorization_id: data.authorization.id,
          description: payoutDescription,
          metadata: { payout_id: crypto.randomUUID(), purchase_id: payout.purchaseId },
        })
        created += 1
      } catch {
        failures += 1
      }
    }
  }),
)

console.log(JSON.stringify({ created, failures }))
