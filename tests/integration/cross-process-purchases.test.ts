import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { resolve } from 'node:path'
import { offerings, purchases } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import { testPublicUrl } from '../support/app.ts'
import { createPlaidTestApp, type PlaidTestApp } from '../support/plaid.ts'
import { addBuyer, addOffering, type Buyer, expectLedgerClean } from '../support/purchases.ts'

/**
 * Two API processes on one libSQL file, as two machines on one primary: each serialises its
 * own writes only, so what keeps them apart is the database (conditional statements, keys).
 * This process serves one API (in-process, on its own client); a second `bun api/src/server.ts`
 * serves the other. Both run on the real clock.
 */

const serverPath = resolve(import.meta.dir, '../../api/src/server.ts')

let t: PlaidTestApp
let second: ReturnType<typeof Bun.spawn> | null = null
beforeEach(async () => {
  t = await createPlaidTestApp()
  t.clock.set(new Date())
})
afterEach(async () => {
  if (second) {
    second.kill()
    await second.exited
    second = null
  }
  t.close()
})

/** A loopback port free now: the system picks it for a server that then closes. */
function freePort(): number {
  const probe = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const { port } = probe
  probe.stop(true)
  return port ?? 0
}

async function startSecondApi(): Promise<string> {
  const port = freePort()
  const url = `http://127.0.0.1:${port}`
  second = Bun.spawn(['bun', serverPath], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      APP_ENV: 'test',
      LOG_LEVEL: 'error',
      PORT: String(port),
      DATABASE_URL: t.db.url,
      PLAID_LOCAL_URL: t.plaid.url,
      PUBLIC_URL: testPublicUrl,
    },
    stdout: 'inherit',
    stderr: 'inherit',
  })
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`${url}/ready`).then(
      (res) => res.ok,
      () => false,
    )
    if (ok) return url
    await Bun.sleep(100)
  }
  throw new Error('the second API did not start')
}

function buyAt(base: string, buyer: Buyer, offeringId: string, amountCents: number) {
  return fetch(`${base}/purchases`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${buyer.token}`,
      'idempotency-key': crypto.randomUUID(),
    },
    body: JSON.stringify({
      offeringId,
      bankAccountId: buyer.bankAccountId,
      amountCents,
      consent: true,
    }),
  })
}

describe('two API processes on one database', () => {
  test('buyers racing for the last room through both never oversell it', async () => {
    const day = new Date().toISOString().slice(0, 10)
    const offering = await addOffering(t, {
      capacityCents: 100_000,
      opensOn: '2026-01-01',
      closesOn: '2099-12-31',
    })
    expect(day >= '2026-01-01').toBe(true)
    const buyers: Buyer[] = []
    for (let i = 0; i < 8; i++) buyers.push(await addBuyer(t, `racer${i}@example.com`))
    const secondUrl = await startSecondApi()

    // Eight buyers of $300 each on room for $1,000, half through each process, twice each.
    const answers = await Promise.all(
      buyers.flatMap((buyer, i) => [
        buyAt(i % 2 === 0 ? t.apiUrl : secondUrl, buyer, offering.id, 30_000),
        buyAt(i % 2 === 0 ? secondUrl : t.apiUrl, buyer, offering.id, 30_000),
      ]),
    )
    const statuses = answers.map((res) => res.status)
    expect(statuses.filter((status) => status >= 500)).toEqual([])

    const rows = await t.db.database.db
      .select()
      .from(purchases)
      .where(eq(purchases.offeringId, offering.id))
    const holding = rows.filter((row) => !['failed', 'cancelled', 'returned'].includes(row.state))
    const held = holding.reduce((sum, row) => sum + row.amountCents, 0)
    const [stored] = await t.db.database.db
      .select()
      .from(offerings)
      .where(eq(offerings.id, offering.id))
    expect(held).toBeLessThanOrEqual(100_000)
    expect(holding).toHaveLength(3)
    expect(stored?.reservedCents).toBe(held)
    await expectLedgerClean(t)
  }, 60_000)
})
