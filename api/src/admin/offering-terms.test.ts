import { describe, expect, test } from 'bun:test'
import { checkOfferingTerms } from './offering-terms.ts'

const terms = {
  rateBps: 500,
  rateType: 'simple',
  compounding: null,
  dayCount: 'act_365f',
  termMonths: 12,
  capacityCents: 10_000_000,
  minPurchaseCents: 50_000,
  maxPurchaseCents: 1_000_000,
  incrementCents: 10_000,
  opensOn: '2026-03-01',
  closesOn: '2026-04-30',
  defaultMaturityInstruction: 'payout',
} as const

const paths = (issues: { path: string }[]) => issues.map((issue) => issue.path)

describe('offering terms judged together', () => {
  test('consistent terms have nothing to say', () => {
    expect(checkOfferingTerms(terms)).toEqual([])
    expect(checkOfferingTerms(terms, '2026-04-30')).toEqual([])
  })

  test('a closing date past on the day of publishing is named', () => {
    expect(checkOfferingTerms(terms, '2026-05-01')).toEqual([
      { path: 'closesOn', message: 'The closing date has passed.' },
    ])
  })

  test('some terms alone are judged by the rules they can answer, and only those', () => {
    const { minPurchaseCents: _, capacityCents: __, ...noMinimumOrCapacity } = terms
    const issues = checkOfferingTerms({
      ...noMinimumOrCapacity,
      maxPurchaseCents: 20_000_000,
      closesOn: '2026-02-01',
    })
    // The maximum is above the capacity and the minimum, but neither was given.
    expect(paths(issues)).toEqual(['closesOn'])
    expect(paths(checkOfferingTerms({ opensOn: '2026-03-01' }))).toEqual([])
    expect(paths(checkOfferingTerms({ minPurchaseCents: 2, maxPurchaseCents: 1 }))).toEqual([
      'minPurchaseCents',
    ])
  })

  test('a null compounding is a value given, not a field missing', () => {
    expect(paths(checkOfferingTerms({ rateType: 'compound', compounding: null }))).toEqual([
      'compounding',
    ])
  })

  test('a maximum above any purchase is named once, not also against the capacity', () => {
    const issues = checkOfferingTerms({
      ...terms,
      maxPurchaseCents: 200_000_000,
      capacityCents: 100_000_000,
    })
    expect(issues.filter((issue) => issue.path === 'maxPurchaseCents')).toEqual([
      { path: 'maxPurchaseCents', message: 'A purchase can be at most $1,000,000.00.' },
    ])
  })

  test('a maximum between two steps, which nobody could buy, is named with the nearest ones', () => {
    const issues = checkOfferingTerms({
      minPurchaseCents: 50_000,
      maxPurchaseCents: 70_000,
      incrementCents: 25_000,
    })
    expect(issues).toEqual([
      {
        path: 'maxPurchaseCents',
        message:
          'Make the maximum the minimum plus whole steps of $250.00, such as $500.00 or $750.00.',
      },
    ])
    expect(checkOfferingTerms({ ...terms, maxPurchaseCents: 1_000_000 })).toEqual([])
  })

  test('names the amounts by the words of the offering form', () => {
    expect(checkOfferingTerms({ ...terms, maxPurchaseCents: 20_000_000 })).toEqual([
      { path: 'maxPurchaseCents', message: 'The maximum purchase is above the offering size.' },
    ])
    const steps = checkOfferingTerms({ ...terms, incrementCents: 2_000_000 })
    expect(steps.filter((issue) => issue.path === 'incrementCents')).toEqual([
      { path: 'incrementCents', message: 'The steps are larger than the maximum purchase.' },
    ])
    expect(checkOfferingTerms({ ...terms, minPurchaseCents: 2_000_000 })).toEqual([
      { path: 'minPurchaseCents', message: 'The minimum purchase is above the maximum purchase.' },
    ])
  })

  test('names one problem per field, the first found', () => {
    const issues = checkOfferingTerms(
      { ...terms, opensOn: '2026-05-01', closesOn: '2026-04-30' },
      '2026-06-01',
    )
    expect(issues.filter((issue) => issue.path === 'closesOn')).toEqual([
      { path: 'closesOn', message: 'The offering closes before it opens.' },
    ])
  })
})
