import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { calculateAccruedInterest, toCalendarDate } from '@tenor/db/domain'
import type { PlaidTestApp } from '../support/plaid.ts'
import {
  addOffering,
  type Buyer,
  buy,
  type PurchaseBody,
  readPurchase,
  simulateTransfer,
} from '../support/purchases.ts'
import { type Offering, openScene } from '../support/scene.ts'
import { testPassword } from '../support/users.ts'

let t: PlaidTestApp
let offering: Offering
let ada: Buyer
beforeEach(async () => {
  ;({ t, offering, ada } = await openScene())
})
afterEach(() => t.close())

/** Interest to `asOf` on the $1,000 note at 8% (simple, Actual/365F) settled on 2026-03-02. */
const accruedOnSettledNote = (asOf: string) =>
  calculateAccruedInterest({
    principalCents: 100_000,
    rateBps: 800,
    rateType: 'simple',
    dayCount: 'act_365f',
    startDate: toCalendarDate('2026-03-02'),
    maturityDate: toCalendarDate('2026-09-02'),
    asOf: toCalendarDate(asOf),
  })

describe('GET /portfolio and the CSV statement', () => {
  test('shows principal by state and interest accrued from the settlement date', async () => {
    const settled = (await (
      await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    ).json()) as PurchaseBody
    await buy(t, ada, { offeringId: offering.id, amountCents: 50_000 })
    const transferId = (await readPurchase(t, settled.purchase.id)).transferId ?? ''
    await simulateTransfer(t, transferId, 'posted')
    await simulateTransfer(t, transferId, 'settled')
    await t.deps.syncTransfers()
    t.clock.advance(30 * 24 * 60 * 60 * 1000)
    const login = await t.request('/auth/login', {
      json: { email: ada.email, password: testPassword },
    })
    const { token } = (await login.json()) as { token: string }

    const res = await t.request('/portfolio', { token })
    const { portfolio } = (await res.json()) as {
      portfolio: {
        principalByState: Record<string, number>
        totals: { principalCents: number; accruedInterestCents: number }
        upcomingMaturities: { maturityDate: string; totalCents: number }[]
      }
    }
    const accrued = accruedOnSettledNote('2026-04-01')
    expect(accrued).toBeGreaterThan(0)
    expect(portfolio.principalByState).toEqual({
      pending: 50_000,
      processing: 0,
      active: 100_000,
      matured: 0,
    })
    expect(portfolio.totals).toMatchObject({
      principalCents: 150_000,
      accruedInterestCents: accrued,
    })
    expect(portfolio.upcomingMaturities).toEqual([
      expect.objectContaining({ maturityDate: '2026-09-02', totalCents: 104_033 }),
    ])
  })

  test('lists every purchase newest first, values only held notes, and values them anew each day', async () => {
    const kept = (await (
      await buy(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    ).json()) as PurchaseBody
    t.clock.advance(60_000)
    const dropped = (await (
      await buy(t, ada, { offeringId: offering.id, amountCents: 50_000 })
    ).json()) as PurchaseBody
    const cancel = await t.request(`/purchases/${dropped.purchase.id}/cancel`, {
      json: {},
      token: ada.token,
    })
    expect(cancel.status).toBe(200)
    const transferId = (await readPurchase(t, kept.purchase.id)).transferId ?? ''
    await simulateTransfer(t, transferId, 'posted')
    await simulateTransfer(t, transferId, 'settled')
    await t.deps.syncTransfers()

    const day = 24 * 60 * 60 * 1000
    const accruedOn = async (asOf: string) => {
      const login = await t.request('/auth/login', {
        json: { email: ada.email, password: testPassword },
      })
      const { token } = (await login.json()) as { token: string }
      const { portfolio } = (await (await t.request('/portfolio', { token })).json()) as {
        portfolio: {
          asOf: string
          holdings: { purchaseId: string; accruedInterestCents: number }[]
          history: { id: string; state: string; amountCents: number; offeringName: string }[]
        }
      }
      expect(portfolio.asOf).toBe(asOf)
      expect(portfolio.history).toEqual([
        expect.objectContaining({
          id: dropped.purchase.id,
          state: 'cancelled',
          amountCents: 50_000,
        }),
        expect.objectContaining({ id: kept.purchase.id, state: 'active', amountCents: 100_000 }),
      ])
      expect(portfolio.history[0]?.offeringName).toBe(offering.name)
      expect(portfolio.holdings.map((h) => h.purchaseId)).toEqual([kept.purchase.id])
      return portfolio.holdings[0]?.accruedInterestCents
    }
    const expected = accruedOnSettledNote

    t.clock.advance(30 * day)
    expect(await accruedOn('2026-04-01')).toBe(expected('2026-04-01'))
    t.clock.advance(day)
    const nextDay = await accruedOn('2026-04-02')
    expect(nextDay).toBe(expected('2026-04-02'))
    expect(nextDay).toBeGreaterThan(expected('2026-04-01'))
  })

  test('the statement guards every cell a spreadsheet would run as a formula', async () => {
    const risky = await addOffering(t, { name: '=HYPERLINK("http://evil.test","click")' })
    await buy(t, ada, { offeringId: risky.id, amountCents: 100_000 })

    const res = await t.request('/portfolio/statement.csv', { token: ada.token })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toStartWith('text/csv')
    const [header, row] = (await res.text()).split('\r\n')
    expect(header).toStartWith('purchase_id,purchased_on,offering,state,principal_usd')
    expect(row).toContain(`"'=HYPERLINK(""http://evil.test"",""click"")"`)
    expect(row).toContain(',pending,1000.00,8.00,')
  })
})
