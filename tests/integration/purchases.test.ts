import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import {
  bankAccounts,
  idempotencyKeys,
  ledgerTransactions,
  offerings,
  plaidItems,
  purchases,
  users,
} from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import { signInAgain } from '../support/maturities.ts'
import type { PlaidTestApp } from '../support/plaid.ts'
import {
  addBuyer,
  addOffering,
  type Buyer,
  buy,
  type ErrorBody,
  expectLedgerClean,
  type PurchaseBody,
  readBankAccount,
  readOffering,
  readPurchase,
} from '../support/purchases.ts'
import { type Offering, openScene } from '../support/scene.ts'

let t: PlaidTestApp
let offering: Offering
let ada: Buyer
beforeEach(async () => {
  ;({ t, offering, ada } = await openScene())
})
afterEach(() => t.close())

const db = () => t.db.database.db

/** Nothing of a purchase was written, and Plaid was never asked to move money. */
async function expectNothingWritten() {
  expect(await db().$count(purchases)).toBe(0)
  expect(await db().$count(idempotencyKeys)).toBe(0)
  expect(await db().$count(ledgerTransactions)).toBe(0)
  expect((await readOffering(t, offering.id)).reservedCents).toBe(0)
  expect(t.plaid.calls('/transfer/authorization/create')).toHaveLength(0)
}

describe('POST /purchases', () => {
  test('reserves capacity, authorizes and creates one ACH debit, and answers 201 pending', async () => {
    const res = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })

    expect(res.status).toBe(201)
    const { purchase } = (await res.json()) as PurchaseBody
    expect(purchase).toMatchObject({ state: 'pending', amountCents: 100_000, failure: null })
    expect(purchase.payout).toMatchObject({ interestCents: 4033, estimated: true })
    expect(purchase.history.map((h) => h.to)).toEqual(['initiated', 'pending'])
    expect((await readOffering(t, offering.id)).reservedCents).toBe(100_000)
    const [authorization] = t.plaid.calls('/transfer/authorization/create')
    expect(authorization?.idempotencyKey).toBe(purchase.id)
    expect(t.plaid.calls('/transfer/create')).toHaveLength(1)
    const row = await readPurchase(t, purchase.id)
    expect(row).toMatchObject({ decision: 'approved', maturityInstruction: 'payout' })
    expect(row.transferId).not.toBeNull()
    const mail = await t.mailbox('ada@example.com')
    expect(mail.map((m) => m.kind)).toContain('purchase_received')
    await expectLedgerClean(t)
  })

  test('dates a note from when its debit should settle: the next banking day, or today once late', async () => {
    const res = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    const { purchase } = (await res.json()) as { purchase: { id: string } }
    const datesOn = async (now: string) => {
      t.clock.set(new Date(now))
      // Days later the session has idled out: sign in again.
      const { token } = await signInAgain(t, ada)
      const view = (await (await t.request(`/purchases/${purchase.id}`, { token })).json()) as {
        purchase: { payout: { startDate: string; maturityDate: string; estimated: boolean } }
      }
      const { portfolio } = (await (await t.request('/portfolio', { token })).json()) as {
        portfolio: { holdings: { maturityDate: string; estimated: boolean }[] }
      }
      expect(portfolio.holdings).toEqual([
        expect.objectContaining({
          maturityDate: view.purchase.payout.maturityDate,
          estimated: true,
        }),
      ])
      return view.purchase.payout
    }

    // Bought on Monday, March 2: a standard ACH debit settles on Tuesday.
    expect(await datesOn('2026-03-02T15:00:00Z')).toMatchObject({
      startDate: '2026-03-03',
      maturityDate: '2026-09-03',
      estimated: true,
    })
    // Still unsettled on Thursday: today at the soonest; on Saturday, the Monday after.
    expect(await datesOn('2026-03-05T15:00:00Z')).toMatchObject({ startDate: '2026-03-05' })
    expect(await datesOn('2026-03-07T15:00:00Z')).toMatchObject({
      startDate: '2026-03-09',
      maturityDate: '2026-09-09',
    })
  })

  test('starts every note paid out at maturity, even in an offering stored with a rollover default', async () => {
    const older = await addOffering(t, { defaultMaturityInstruction: 'rollover_all' })
    const res = await buy(t, ada, { offeringId: older.id, amountCents: 100_000 })

    expect(res.status).toBe(201)
    const { purchase } = (await res.json()) as PurchaseBody & {
      purchase: { maturityInstruction: string }
    }
    expect(purchase.maturityInstruction).toBe('payout')
    const view = (await (await t.request(`/offerings/${older.slug}`)).json()) as {
      offering: { defaultMaturityInstruction: string }
    }
    expect(view.offering.defaultMaturityInstruction).toBe('payout')
  })

  test('refuses an unverified email with its code and writes nothing', async () => {
    await db().update(users).set({ emailVerifiedAt: null }).where(eq(users.id, ada.userId))
    const res = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })

    expect(res.status).toBe(403)
    expect(((await res.json()) as ErrorBody).error.code).toBe('email_not_verified')
    await expectNothingWritten()
  })

  test('refuses an investor whose identity check is not approved, and writes nothing', async () => {
    await db().update(users).set({ kycStatus: 'submitted' }).where(eq(users.id, ada.userId))
    const res = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })

    expect(res.status).toBe(403)
    expect(((await res.json()) as ErrorBody).error.code).toBe('kyc_not_approved')
    await expectNothingWritten()
  })

  test('refuses a bank that needs reconnecting or an account that cannot fund', async () => {
    await db().update(plaidItems).set({ status: 'needs_reconnect' })
    const reconnect = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    expect(reconnect.status).toBe(409)
    expect(((await reconnect.json()) as ErrorBody).error.code).toBe('bank_reconnect_required')

    await db().update(plaidItems).set({ status: 'healthy' })
    await db().update(bankAccounts).set({ status: 'closed' })
    const closed = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    expect(closed.status).toBe(409)
    expect(((await closed.json()) as ErrorBody).error.code).toBe('bank_account_unusable')
    await expectNothingWritten()
  })

  test('refuses a buyer disabled, a KYC approval withdrawn or a bank unlinked after the checks', async () => {
    // Each change lands between the request's checks and its reservation, as an administrator
    // or the investor's other tab acting at that moment would.
    const changes = [
      {
        code: 'unauthenticated',
        status: 401,
        change: () =>
          db().update(users).set({ status: 'disabled' }).where(eq(users.id, ada.userId)),
      },
      {
        code: 'kyc_not_approved',
        status: 403,
        change: () =>
          db().update(users).set({ kycStatus: 'rejected' }).where(eq(users.id, ada.userId)),
      },
      {
        code: 'bank_account_not_found',
        status: 422,
        change: () => db().update(bankAccounts).set({ status: 'removed' }),
      },
      {
        code: 'bank_reconnect_required',
        status: 409,
        change: () => db().update(plaidItems).set({ status: 'needs_reconnect' }),
      },
    ]
    const database = t.deps.database
    const writeSql = database.writeSql
    for (const { code, status, change } of changes) {
      database.writeSql = async (work) => {
        await change()
        return writeSql(work)
      }
      const res = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
      database.writeSql = writeSql

      expect({ status: res.status, code: ((await res.json()) as ErrorBody).error.code }).toEqual({
        status,
        code,
      })
      await expectNothingWritten()
      await db().update(users).set({ status: 'active', kycStatus: 'approved' })
      await db().update(bankAccounts).set({ status: 'active' })
      await db().update(plaidItems).set({ status: 'healthy' })
    }

    // The same interception with nothing changed buys: the refusals above are the changes'.
    database.writeSql = async (work) => writeSql(work)
    const bought = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    database.writeSql = writeSql
    expect(bought.status).toBe(201)
  })

  test('an account Plaid no longer knows fails the purchase and stops funding', async () => {
    // Account churn at the bank: the account id we hold is not one Plaid knows any more.
    await t.db.database.db
      .update(bankAccounts)
      .set({ plaidAccountId: 'gone0000000000000000000000000000000000' })
      .where(eq(bankAccounts.id, ada.bankAccountId))
    const res = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    expect(res.status).toBe(402)
    expect((await readBankAccount(t, ada.bankAccountId)).status).toBe('removed')
    // The next try is refused before Plaid is asked.
    const again = await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    expect(again.status).toBe(422)
    expect((await readOffering(t, offering.id)).reservedCents).toBe(0)
    await expectLedgerClean(t)
  })

  test('a debit the bank declines at once is told as a failure only, not first as on its way', async () => {
    const poor = await addBuyer(t, 'poor@example.com', { balanceDollars: 50 })
    const res = await buy(t, poor, { offeringId: offering.id, amountCents: 100_000 })
    expect(res.status).toBe(402)

    const mail = await t.mailbox('poor@example.com')
    const waiting = mail.filter((m) => m.status !== 'suppressed').map((m) => m.kind)
    expect(waiting).toContain('purchase_failed')
    expect(waiting).not.toContain('purchase_received')
  })

  test('refuses another investor’s bank account exactly as a missing one', async () => {
    const eve = await addBuyer(t, 'eve@example.com')
    const theirs = await buy(
      t,
      { ...ada, bankAccountId: eve.bankAccountId },
      {
        offeringId: offering.id,
        amountCents: 100_000,
      },
    )
    const missing = await buy(
      t,
      { ...ada, bankAccountId: 'no-such-account' },
      {
        offeringId: offering.id,
        amountCents: 100_000,
      },
    )

    expect(theirs.status).toBe(422)
    expect(missing.status).toBe(422)
    const codes = [(await theirs.json()) as ErrorBody, (await missing.json()) as ErrorBody]
    expect(codes.map((b) => [b.error.code, b.error.message])).toEqual([
      ['bank_account_not_found', 'There is no such bank account.'],
      ['bank_account_not_found', 'There is no such bank account.'],
    ])
    await expectNothingWritten()
  })

  test('refuses a purchase at a rate other than the one the investor was shown', async () => {
    const order = {
      offeringId: offering.id,
      bankAccountId: ada.bankAccountId,
      amountCents: 100_000,
      consent: true,
    }
    const send = (rateBps: number) =>
      t.request('/purchases', {
        json: { ...order, rateBps },
        token: ada.token,
        headers: { 'idempotency-key': crypto.randomUUID() },
      })
    // A rate change (approved by a second admin) lands after the investor's review.
    await db().update(offerings).set({ rateBps: 100 }).where(eq(offerings.id, offering.id))

    const refused = await send(800)
    expect(refused.status).toBe(409)
    expect(((await refused.json()) as ErrorBody).error).toMatchObject({
      code: 'rate_changed',
      message:
        'The rate of this offering changed from 8.00% to 1.00% after you reviewed it. Review the new terms, then buy.',
    })
    await expectNothingWritten()

    const res = await send(100)
    expect(res.status).toBe(201)
    expect((await readPurchase(t, ((await res.json()) as PurchaseBody).purchase.id)).rateBps).toBe(
      100,
    )
  })

  test('refuses a closed offering and one whose window has passed', async () => {
    const closed = await addOffering(t, { status: 'closed' })
    const ended = await addOffering(t, { closesOn: '2026-03-01' })
    for (const target of [closed, ended]) {
      const res = await buy(t, ada, { offeringId: target.id, amountCents: 100_000 })
      expect(res.status).toBe(409)
      expect(((await res.json()) as ErrorBody).error.code).toBe('offering_closed')
    }
    await expectNothingWritten()
  })

  test('refuses amounts outside the limits, and a body that is not strict', async () => {
    const small = await buy(t, ada, { offeringId: offering.id, amountCents: 99 })
    expect(small.status).toBe(422)
    expect(((await small.json()) as ErrorBody).error.code).toBe('validation_failed')

    const fractional = await t.request('/purchases', {
      json: {
        offeringId: offering.id,
        bankAccountId: ada.bankAccountId,
        amountCents: 100.5,
        consent: true,
      },
      token: ada.token,
      headers: { 'idempotency-key': 'k-1' },
    })
    const noConsent = await t.request('/purchases', {
      json: { offeringId: offering.id, bankAccountId: ada.bankAccountId, amountCents: 100_000 },
      token: ada.token,
      headers: { 'idempotency-key': 'k-2' },
    })
    const noKey = await t.request('/purchases', {
      json: {
        offeringId: offering.id,
        bankAccountId: ada.bankAccountId,
        amountCents: 100_000,
        consent: true,
      },
      token: ada.token,
    })
    expect([fractional.status, noConsent.status, noKey.status]).toEqual([422, 422, 422])
    await expectNothingWritten()
  })

  test('refuses a zero or negative amount with the least an amount can be', async () => {
    for (const amountCents of [0, -100]) {
      const res = await buy(t, ada, { offeringId: offering.id, amountCents })
      expect(res.status).toBe(422)
      expect(((await res.json()) as { error: { issues: unknown[] } }).error.issues).toEqual([
        {
          path: 'amountCents',
          message:
            'Enter an amount of at least 1 cent, and at least the offering’s minimum purchase.',
        },
      ])
    }
    await expectNothingWritten()
  })

  test('reads the amount as JSON numbers are read: 50000.0000000000001 is 50000 cents', async () => {
    // No double lies between 50000 and that number, so JSON.parse answers exactly 50000: the
    // fraction is finer than a number can hold, and the purchase is $500.00.
    const res = await t.app.request('/purchases', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ada.token}`,
        'content-type': 'application/json',
        'idempotency-key': 'k-double',
      },
      body: `{"offeringId":"${offering.id}","bankAccountId":"${ada.bankAccountId}","amountCents":50000.0000000000001,"consent":true}`,
    })
    expect(res.status).toBe(201)
    expect(((await res.json()) as PurchaseBody).purchase.amountCents).toBe(50_000)
  })

  test('refuses an amount whose payout cannot be worked out under terms stored earlier', async () => {
    const huge = await addOffering(t, {
      rateBps: 5000,
      rateType: 'compound',
      compounding: 'monthly',
      termMonths: 360,
      capacityCents: 100_000_000_000,
      maxPurchaseCents: 100_000_000_000,
    })
    const res = await buy(t, ada, { offeringId: huge.id, amountCents: 100_000_000_000 })

    expect(res.status).toBe(422)
    const { error } = (await res.json()) as ErrorBody & {
      error: { issues: { path: string; message: string }[] }
    }
    expect(error.issues).toEqual([
      { path: 'amountCents', message: expect.stringContaining('too large') },
    ])
    expect((await readOffering(t, huge.id)).reservedCents).toBe(0)
    await expectNothingWritten()
  })

  test('says "sold out", or how much is left, when capacity is short', async () => {
    const small = await addOffering(t, { capacityCents: 150_000 })
    expect((await buy(t, ada, { offeringId: small.id, amountCents: 100_000 })).status).toBe(201)

    const short = await buy(t, ada, { offeringId: small.id, amountCents: 60_000 })
    expect(short.status).toBe(409)
    const body = (await short.json()) as ErrorBody
    expect(body.error.code).toBe('insufficient_capacity')
    expect(body.error.message).toStartWith('Only $500.00 of this offering is left')

    expect((await buy(t, ada, { offeringId: small.id, amountCents: 50_000 })).status).toBe(201)
    const soldOut = await buy(t, ada, { offeringId: small.id, amountCents: 100 })
    expect(soldOut.status).toBe(409)
    expect(((await soldOut.json()) as ErrorBody).error.code).toBe('sold_out')
    expect((await readOffering(t, small.id)).reservedCents).toBe(150_000)
    await expectLedgerClean(t)
  })
})

describe('GET /purchases and GET /purchases/{id}', () => {
  test('list my purchases with their history, and nobody else’s', async () => {
    const eve = await addBuyer(t, 'eve@example.com')
    await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    await buy(t, eve, { offeringId: offering.id, amountCents: 200_000 })

    const res = await t.request('/purchases', { token: ada.token })
    const { purchases: mine } = (await res.json()) as { purchases: PurchaseBody['purchase'][] }
    expect(mine).toHaveLength(1)
    expect(mine[0]?.amountCents).toBe(100_000)
    expect(mine[0]?.history.map((h) => h.to)).toEqual(['initiated', 'pending'])
  })

  test('another investor’s purchase id answers exactly like a missing one', async () => {
    const eve = await addBuyer(t, 'eve@example.com')
    const { purchase } = (await (
      await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    ).json()) as PurchaseBody

    const answers = await Promise.all([
      t.request(`/purchases/${purchase.id}`, { token: eve.token }),
      t.request('/purchases/no-such-purchase', { token: eve.token }),
      t.request(`/purchases/${purchase.id}/cancel`, { json: {}, token: eve.token }),
      t.request('/purchases/no-such-purchase/cancel', { json: {}, token: eve.token }),
    ])
    const bodies = await Promise.all(answers.map(async (r) => [r.status, await r.json()] as const))
    const shapes = bodies.map(([status, body]) => {
      const { requestId: _, ...error } = (body as ErrorBody).error
      return { status, error }
    })
    expect(shapes[0]).toEqual(shapes[1])
    expect(shapes[2]).toEqual(shapes[3])
    expect(shapes[0]?.status).toBe(404)
    expect((await readPurchase(t, purchase.id)).state).toBe('pending')
  })
})
