import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { newId } from '@tenor/db'
import {
  calculateApy,
  calculateInterest,
  calculateMaturityDate,
  describeDayCount,
  toCalendarDate,
} from '@tenor/db/domain'
import { offerings } from '@tenor/db/schema'
import { createTestApp, type TestApp } from '../support/app.ts'

// The test clock starts at 2026-03-02T15:00:00Z: 10:00 on Monday, March 2 in New York.
const today = toCalendarDate('2026-03-02')
let t: TestApp

beforeEach(async () => {
  t = await createTestApp()
})
afterEach(() => t.close())

type OfferingInput = typeof offerings.$inferInsert

async function addOffering(slug: string, overrides: Partial<OfferingInput> = {}) {
  const row: OfferingInput = {
    id: newId(),
    slug,
    name: `Note ${slug}`,
    issuer: 'Tenor Funding I LLC',
    description: 'A note paying simple interest at maturity.',
    rateBps: 800,
    rateType: 'simple',
    compounding: null,
    dayCount: 'act_365f',
    termMonths: 6,
    capacityCents: 10_000_000,
    reservedCents: 2_500_000,
    minPurchaseCents: 50_000,
    maxPurchaseCents: 2_500_000,
    incrementCents: 10_000,
    opensOn: '2026-02-15',
    closesOn: '2026-03-31',
    status: 'open',
    ...overrides,
  }
  await t.db.database.db.insert(offerings).values(row)
  return row
}

interface ErrorBody {
  error: {
    code: string
    message: string
    requestId: string
    issues?: { path: string; message: string }[]
  }
}

const preview = (slug: string, amount: string) =>
  t.request(`/offerings/${slug}/preview?amountCents=${encodeURIComponent(amount)}`)

describe('GET /offerings', () => {
  test('lists only offerings open today, without signing in', async () => {
    await addOffering('open-6m')
    await addOffering('open-12m', { termMonths: 12, dayCount: 'thirty_360' })
    await addOffering('opens-today', { opensOn: '2026-03-02' })
    await addOffering('closes-today', { closesOn: '2026-03-02' })
    await addOffering('not-yet-open', { opensOn: '2026-03-03' })
    await addOffering('window-passed', { closesOn: '2026-03-01' })
    await addOffering('closed', { status: 'closed' })
    await addOffering('draft', { status: 'draft' })

    const res = await t.request('/offerings')
    expect(res.status).toBe(200)
    const body = (await res.json()) as { offerings: { slug: string }[] }
    expect(body.offerings.map((o) => o.slug)).toEqual([
      'closes-today',
      'open-6m',
      'opens-today',
      'open-12m',
    ])
  })

  test('shows terms, limits, remaining capacity, the day count in words and the APY', async () => {
    const row = await addOffering('open-6m')
    const body = (await (await t.request('/offerings')).json()) as { offerings: unknown[] }
    const { apyBps, apyDisplay } = calculateApy({
      terms: { rateBps: 800, rateType: 'simple', dayCount: 'act_365f', termMonths: 6 },
      startDate: today,
    })
    expect(body.offerings[0]).toEqual({
      id: row.id,
      slug: 'open-6m',
      name: 'Note open-6m',
      issuer: 'Tenor Funding I LLC',
      description: 'A note paying simple interest at maturity.',
      status: 'open',
      openForPurchase: true,
      salesEnded: false,
      rateBps: 800,
      rateType: 'simple',
      compounding: null,
      dayCount: 'act_365f',
      dayCountName: describeDayCount('act_365f').name,
      dayCountDescription: describeDayCount('act_365f').description,
      termMonths: 6,
      minPurchaseCents: 50_000,
      maxPurchaseCents: 2_500_000,
      incrementCents: 10_000,
      capacityCents: 10_000_000,
      remainingCents: 7_500_000,
      soldOut: false,
      opensOn: '2026-02-15',
      closesOn: '2026-03-31',
      apyBps,
      apyDisplay,
      defaultMaturityInstruction: 'payout',
    })
    expect(apyDisplay).toBe('8.16%')
  })

  test('an offering with less left than its smallest purchase reads as sold out', async () => {
    await addOffering('full', { reservedCents: 10_000_000 })
    await addOffering('nearly-full', { reservedCents: 9_960_000 })
    await addOffering('one-left', { reservedCents: 9_950_000 })
    const body = (await (await t.request('/offerings')).json()) as {
      offerings: { slug: string; soldOut: boolean; openForPurchase: boolean }[]
    }
    const soldOut = Object.fromEntries(body.offerings.map((o) => [o.slug, o.soldOut]))
    // $400 left against a $500 minimum cannot be bought; exactly $500 can.
    expect(soldOut).toEqual({ full: true, 'nearly-full': true, 'one-left': false })
    expect(body.offerings.every((o) => o.openForPurchase)).toBe(true)
  })

  test("decides 'today' on New York's calendar, not UTC's", async () => {
    await addOffering('closes-today', { closesOn: '2026-03-02' })
    // 03:00 UTC on March 3 is still 22:00 on March 2 in New York.
    t.clock.set(new Date('2026-03-03T03:00:00Z'))
    const body = (await (await t.request('/offerings')).json()) as { offerings: unknown[] }
    expect(body.offerings).toHaveLength(1)
    t.clock.set(new Date('2026-03-03T05:30:00Z'))
    const later = (await (await t.request('/offerings')).json()) as { offerings: unknown[] }
    expect(later.offerings).toHaveLength(0)
  })
})

describe('GET /offerings/{slug}', () => {
  test('answers an open offering and a closed one, saying which is open for purchase', async () => {
    await addOffering('open-6m')
    await addOffering('closed', { status: 'closed' })
    const open = await t.request('/offerings/open-6m')
    expect(open.status).toBe(200)
    const openBody = (await open.json()) as { offering: { openForPurchase: boolean } }
    expect(openBody.offering.openForPurchase).toBe(true)
    const closed = (await (await t.request('/offerings/closed')).json()) as {
      offering: { status: string; openForPurchase: boolean }
    }
    expect(closed.offering).toMatchObject({
      status: 'closed',
      openForPurchase: false,
      salesEnded: true,
    })
  })

  test('an open offering is not for sale before it opens, and its sales end after it closes', async () => {
    await addOffering('later', { opensOn: '2026-04-01', closesOn: '2026-04-30' })
    const read = async () =>
      ((await (await t.request('/offerings/later')).json()) as { offering: object }).offering

    expect(await read()).toMatchObject({ openForPurchase: false, salesEnded: false })
    t.clock.set(new Date('2026-04-15T15:00:00Z'))
    expect(await read()).toMatchObject({ openForPurchase: true, salesEnded: false })
    t.clock.set(new Date('2026-05-01T15:00:00Z'))
    expect(await read()).toMatchObject({ openForPurchase: false, salesEnded: true })
  })

  test('answers a draft exactly as a slug that does not exist', async () => {
    await addOffering('draft', { status: 'draft' })
    const draft = await t.request('/offerings/draft')
    const missing = await t.request('/offerings/no-such-offering')
    expect(draft.status).toBe(404)
    expect(missing.status).toBe(404)
    const strip = ({ error }: ErrorBody) => ({ ...error, requestId: undefined })
    expect(strip((await draft.json()) as ErrorBody)).toEqual(
      strip((await missing.json()) as ErrorBody),
    )
    expect((await preview('draft', '100000')).status).toBe(404)
  })
})

describe('GET /offerings/{slug}/preview', () => {
  test('previews the exact payout of a purchase whose debit settles on the next banking day', async () => {
    await addOffering('open-6m')
    const res = await preview('open-6m', '100000')
    expect(res.status).toBe(200)
    const startDate = toCalendarDate('2026-03-03')
    const maturityDate = calculateMaturityDate(startDate, 6)
    const interestCents = calculateInterest({
      rateBps: 800,
      rateType: 'simple',
      dayCount: 'act_365f',
      principalCents: 100_000,
      startDate,
      maturityDate,
    })
    expect(maturityDate).toBe(toCalendarDate('2026-09-03'))
    // 184 actual days: 100 000 × 8% × 184 / 365 = 4032.88…
    expect(interestCents).toBe(4033)
    expect(await res.json()).toEqual({
      preview: {
        startDate: '2026-03-03',
        maturityDate: '2026-09-03',
        principalCents: 100_000,
        interestCents,
        totalCents: 100_000 + interestCents,
        apyBps: 816,
        apyDisplay: '8.16%',
      },
    })
  })

  test('starts a note bought before a weekend and a holiday on the banking day after them', async () => {
    await addOffering('open-6m', { closesOn: '2026-12-31' })
    // Thursday, December 24, 2026, 10:00 in New York: Christmas is Friday.
    t.clock.set(new Date('2026-12-24T15:00:00Z'))
    const body = (await (await preview('open-6m', '100000')).json()) as {
      preview: { startDate: string; maturityDate: string }
    }
    expect(body.preview).toMatchObject({ startDate: '2026-12-28', maturityDate: '2027-06-28' })
  })

  test('for an offering not open yet, previews a purchase made on its opening day', async () => {
    // Opens on Monday, April 6, 2026; today is Monday, March 2.
    await addOffering('later-6m', { opensOn: '2026-04-06', closesOn: '2026-04-30' })
    const body = (await (await preview('later-6m', '100000')).json()) as {
      preview: { startDate: string; maturityDate: string }
    }
    expect(body.preview).toMatchObject({ startDate: '2026-04-07', maturityDate: '2026-10-07' })
  })

  test('uses the offering’s own compounding and day count', async () => {
    await addOffering('compound', {
      rateType: 'compound',
      compounding: 'monthly',
      dayCount: 'act_360',
      termMonths: 24,
    })
    const body = (await (await preview('compound', '1000000')).json()) as {
      preview: { interestCents: number; maturityDate: string }
    }
    expect(body.preview.maturityDate).toBe('2028-03-03')
    expect(body.preview.interestCents).toBe(
      calculateInterest({
        rateBps: 800,
        rateType: 'compound',
        compounding: 'monthly',
        dayCount: 'act_360',
        principalCents: 1_000_000,
        startDate: toCalendarDate('2026-03-03'),
        maturityDate: toCalendarDate('2028-03-03'),
      }),
    )
  })

  test('refuses amounts that are not plainly written whole cents', async () => {
    await addOffering('open-6m')
    for (const amount of [
      '1e5',
      '0x10',
      '',
      '100000.0',
      '1000.5',
      '-100000',
      '0',
      '0100000',
      ' 100000',
      '9999999999999',
    ]) {
      const res = await preview('open-6m', amount)
      expect(res.status).toBe(422)
      const body = (await res.json()) as ErrorBody
      expect(body.error.code).toBe('validation_failed')
      expect(body.error.issues?.[0]?.path).toBe('amountCents')
    }
    const missing = await t.request('/offerings/open-6m/preview')
    expect(missing.status).toBe(422)
  })

  test('refuses amounts outside the minimum, maximum and increment, saying why', async () => {
    await addOffering('open-6m')
    const cases: [string, string][] = [
      ['40000', 'The minimum purchase is $500.00.'],
      ['2510000', 'The maximum purchase is $25,000.00.'],
      ['55000', 'Amounts go up in steps of $100.00 from the $500.00 minimum.'],
      ['50001', 'Amounts go up in steps of $100.00 from the $500.00 minimum.'],
    ]
    for (const [amount, message] of cases) {
      const res = await preview('open-6m', amount)
      expect(res.status).toBe(422)
      const body = (await res.json()) as ErrorBody
      expect(body.error.issues).toEqual([{ path: 'amountCents', message }])
    }
    expect((await preview('open-6m', '50000')).status).toBe(200)
    expect((await preview('open-6m', '2500000')).status).toBe(200)
  })

  test('answers 422, never 500, when terms stored earlier put the payout out of reach', async () => {
    await addOffering('too-much', {
      rateBps: 5000,
      rateType: 'compound',
      compounding: 'monthly',
      termMonths: 360,
      capacityCents: 100_000_000_000,
      reservedCents: 0,
      maxPurchaseCents: 100_000_000_000,
      incrementCents: 1,
    })
    const res = await preview('too-much', '100000000000')
    expect(res.status).toBe(422)
    const body = (await res.json()) as ErrorBody
    expect(body.error.issues).toEqual([
      { path: 'amountCents', message: expect.stringContaining('too large') },
    ])
    expect((await preview('too-much', '50000')).status).toBe(200)
  })
})
