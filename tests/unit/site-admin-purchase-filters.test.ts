import { describe, expect, test } from 'bun:test'
import { toFilterErrors, toPurchaseFilters } from '../../web/src/lib/server/admin-purchases.ts'

const blank = { offeringId: '', email: '', state: '', from: '', to: '', min: '', max: '' }

describe('admin purchase search form', () => {
  test('reads dollar amounts and passes part of an email as typed', () => {
    expect(toPurchaseFilters({ ...blank, email: 'ada', min: '1,000', max: '2500.50' })).toEqual({
      ok: true,
      filters: expect.objectContaining({ email: 'ada', minCents: '100000', maxCents: '250050' }),
    })
  })

  test('says so when a range cannot hold anything, instead of finding nothing', () => {
    expect(toPurchaseFilters({ ...blank, min: '500', max: '100' })).toEqual({
      ok: false,
      errors: { max: 'The highest amount is below the lowest.' },
    })
    expect(toPurchaseFilters({ ...blank, from: '2026-03-02', to: '2026-03-01' })).toEqual({
      ok: false,
      errors: { to: 'The last day is before the first.' },
    })
    expect(toPurchaseFilters({ ...blank, min: 'abc' })).toEqual({
      ok: false,
      errors: { min: 'Enter an amount in dollars, like 1,000.' },
    })
  })

  test('refuses a state the select does not offer, as an edited address may carry', () => {
    expect(toPurchaseFilters({ ...blank, state: 'bogus', min: 'abc' })).toEqual({
      ok: false,
      errors: {
        state: 'Choose a state from the list.',
        min: 'Enter an amount in dollars, like 1,000.',
      },
    })
    expect(toPurchaseFilters({ ...blank, state: 'active' })).toMatchObject({ ok: true })
  })

  test("puts the API's refusal beside the filters it names, and keeps the rest apart", () => {
    expect(
      toFilterErrors([
        { path: 'minCents', message: 'Whole cents, digits only.' },
        { path: 'from', message: 'Enter a date as YYYY-MM-DD.' },
        { path: 'limit', message: 'Too big.' },
      ]),
    ).toEqual({
      errors: { min: 'Whole cents, digits only.', from: 'Enter a date as YYYY-MM-DD.' },
      others: ['limit: Too big.'],
    })
  })
})
