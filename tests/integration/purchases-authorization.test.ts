import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { signForwardedAddress } from '@tenor/api/lib/rate-limit-address'
import { achDebitWordingVersion } from '@tenor/api/purchases/authorization'
import { createLogger } from '@tenor/db/logger'
import { achAuthorizations, bankAccounts } from '@tenor/db/schema'
import { runJob } from '@tenor/workers/job'
import { housekeeping } from '@tenor/workers/jobs/housekeeping'
import { eq } from 'drizzle-orm'
import type { PlaidTestApp } from '../support/plaid.ts'
import { addBuyer, type Buyer, type PurchaseBody } from '../support/purchases.ts'
import { type Offering, openScene } from '../support/scene.ts'
import { signUpAdmin } from '../support/users.ts'

let t: PlaidTestApp
let offering: Offering
let ada: Buyer
beforeEach(async () => {
  ;({ t, offering, ada } = await openScene())
})
afterEach(() => t.close())

const day = 24 * 60 * 60 * 1000
const browser = 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0'

/** Buys as the site does: the visitor's address vouched for, the browser's user agent passed on. */
function buyFrom(address: string, amountCents: number) {
  return t.request('/purchases', {
    json: { offeringId: offering.id, bankAccountId: ada.bankAccountId, amountCents, consent: true },
    token: ada.token,
    headers: {
      'idempotency-key': crypto.randomUUID(),
      'user-agent': browser,
      ...signForwardedAddress(t.deps.env.sessionKeys, address),
    },
  })
}

async function expectedWording(amount: string) {
  const account = await t.db.database.db.query.bankAccounts.findFirst({
    where: eq(bankAccounts.id, ada.bankAccountId),
  })
  // The account as the review step shows it: its name, its mask, and the bank Plaid named.
  expect(account?.mask).toMatch(/^\d{4}$/)
  return (
    `I authorize Tenor to debit ${amount} once, by ACH, from my ${account?.name} account ending ` +
    `${account?.mask} at First Platypus Bank, today or on the next business day, to buy this ` +
    'note from Tenor Funding I LLC. I can cancel until the debit is sent.'
  )
}

describe('ACH debit authorization', () => {
  test('is kept with the purchase, word for word, with where and when it was given', async () => {
    const res = await buyFrom('2001:db8:1:2::5', 1_234_567)
    expect(res.status).toBe(201)
    const { purchase } = (await res.json()) as PurchaseBody

    const rows = await t.db.database.db.select().from(achAuthorizations)
    expect(rows).toEqual([
      {
        id: expect.any(String),
        purchaseId: purchase.id,
        userId: ada.userId,
        bankAccountId: ada.bankAccountId,
        amountCents: 1_234_567,
        wordingVersion: achDebitWordingVersion,
        wording: await expectedWording('$12,345.67'),
        // The exact address, not the /64 rate limits count by.
        ipAddress: '2001:db8:1:2::5',
        userAgent: browser,
        createdAt: t.clock.now(),
      },
    ])
  })

  test('the investor sees it on the purchase and in the email; an admin sees its proof', async () => {
    const res = await buyFrom('198.51.100.23', 100_000)
    const { purchase } = (await res.json()) as PurchaseBody
    const wording = await expectedWording('$1,000.00')

    const mine = await t.request(`/purchases/${purchase.id}`, { token: ada.token })
    expect(((await mine.json()) as { authorization: unknown }).authorization).toEqual({
      wording,
      agreedAt: t.clock.now().toISOString(),
    })
    const [received] = (await t.mailbox(ada.email)).filter((m) => m.kind === 'purchase_received')
    expect(received?.text).toContain(`the authorization you gave: "${wording}"`)

    const admin = await signUpAdmin(t, 'admin@example.com')
    const detail = await t.request(`/admin/purchases/${purchase.id}`, { token: admin.token })
    expect(((await detail.json()) as { authorization: unknown }).authorization).toEqual({
      wording,
      wordingVersion: achDebitWordingVersion,
      amountCents: 100_000,
      bankAccountId: ada.bankAccountId,
      ipAddress: '198.51.100.23',
      userAgent: browser,
      at: t.clock.now().toISOString(),
    })

    // Another investor asking for it gets the same answer as for a purchase that does not exist.
    const eve = await addBuyer(t, 'eve@example.com')
    expect((await t.request(`/purchases/${purchase.id}`, { token: eve.token })).status).toBe(404)
  })

  test('is append-only: the database refuses to change or remove one', async () => {
    await buyFrom('198.51.100.23', 100_000)
    const client = t.db.database.client

    for (const change of [
      "wording = 'something else'",
      'amount_cents = 1',
      "ip_address = '203.0.113.9'",
      "user_agent = 'curl', wording = 'x'",
    ]) {
      await expect(client.execute(`update ach_authorizations set ${change}`)).rejects.toThrow(
        /append-only/,
      )
    }
    await expect(client.execute('delete from ach_authorizations')).rejects.toThrow(/append-only/)
    expect(await t.db.database.db.$count(achAuthorizations)).toBe(1)
  })

  test('loses its address and browser after Nacha’s two years, and nothing else', async () => {
    await buyFrom('198.51.100.23', 100_000)
    const before = await t.db.database.db.select().from(achAuthorizations)
    expect(before).toHaveLength(1)
    const log = createLogger('silent')

    // Two years on, it is still whole: the debit followed the authorization by days.
    t.clock.advance(731 * day)
    expect(await runJob(housekeeping, { deps: t.deps, log })).toBe('succeeded')
    expect(await t.db.database.db.select().from(achAuthorizations)).toEqual(before)

    t.clock.advance(31 * day)
    const lines: string[] = []
    const logged = createLogger('info', {}, (line) => lines.push(line))
    expect(await runJob(housekeeping, { deps: t.deps, log: logged })).toBe('succeeded')
    expect(await t.db.database.db.select().from(achAuthorizations)).toEqual(
      before.map((proof) => ({ ...proof, ipAddress: null, userAgent: null })),
    )
    // The run's log says how many it cleared (a count, which the logger does not mask).
    expect(lines.join('\n')).toContain('"debitMandateDetailsRemoved":1')
  })

  test('a request refused before any purchase exists keeps no authorization', async () => {
    const res = await buyFrom('198.51.100.23', offering.capacityCents + 100)
    expect(res.status).toBe(422)
    expect(await t.db.database.db.$count(achAuthorizations)).toBe(0)
  })
})
