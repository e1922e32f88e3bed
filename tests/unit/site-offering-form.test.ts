import { describe, expect, test } from 'bun:test'
import {
  interestChoice,
  interestTerms,
  type OfferingFormValues,
  parsePercent,
  rateProblem,
  readOfferingTerms,
  withReadErrors,
} from '../../web/src/lib/server/offering-form.ts'

const typed: OfferingFormValues = {
  slug: 'series-x',
  name: 'Series X',
  issuer: 'Tenor Funding LLC',
  description: 'A note.',
  rateBps: '5.25',
  interest: 'simple',
  dayCount: 'act_365f',
  termMonths: '12',
  capacityCents: '250,000',
  minPurchaseCents: '500',
  maxPurchaseCents: '50,000',
  incrementCents: '100',
  opensOn: '2026-03-01',
  closesOn: '2026-04-30',
}

describe('the offering form read as terms', () => {
  test('an empty rate, choice or date is named for what is missing', () => {
    const { errors } = readOfferingTerms({
      ...typed,
      rateBps: ' ',
      interest: '',
      dayCount: '',
      opensOn: '',
      closesOn: '',
    })
    expect(errors).toEqual({
      rateBps: 'Enter the rate, like 5.25.',
      interest: 'Choose simple interest or how often it compounds.',
      dayCount: 'Choose how days are counted.',
      opensOn: 'Enter the date it opens.',
      closesOn: 'Enter the date it closes.',
    })
  })

  test('reads a percentage and dollars as basis points and cents', () => {
    const { terms, errors } = readOfferingTerms(typed)
    expect(errors).toEqual({})
    expect(terms).toMatchObject({
      rateBps: 525,
      compounding: null,
      termMonths: 12,
      capacityCents: 25_000_000,
      minPurchaseCents: 50_000,
    })
  })

  test('what it cannot read is named, and sent as null for the API to refuse', () => {
    const { terms, errors } = readOfferingTerms({
      ...typed,
      rateBps: 'five',
      minPurchaseCents: 'x',
    })
    expect(errors).toEqual({
      rateBps: 'Enter the rate as a percentage with at most two decimals, like 5.25.',
      minPurchaseCents: 'Enter an amount in dollars, like 1,000.',
    })
    expect(terms).toMatchObject({ rateBps: null, minPurchaseCents: null, slug: 'series-x' })
  })

  test('a rate it cannot read is told why: missing, negative, or not a two-decimal percentage', () => {
    expect(rateProblem('  ', 'the rate', '5.25')).toBe('Enter the rate, like 5.25.')
    expect(rateProblem('-1', 'the rate', '5.25')).toBe(
      'Enter the rate as a positive percentage, like 5.25.',
    )
    expect(rateProblem('5.255', 'the new rate', '5.50')).toBe(
      'Enter the new rate as a percentage with at most two decimals, like 5.50.',
    )
  })

  test('a rate above what is allowed is read, so the API names the limit', () => {
    expect(parsePercent('60')).toBe(6000)
    expect(parsePercent('150')).toBe(15_000)
    expect(parsePercent('5.5%')).toBe(550)
    expect(parsePercent('0')).toBe(0)
    for (const text of ['', 'five', '5.255', '1000', '-1', '1e2'])
      expect(parsePercent(text)).toBeNull()
  })

  test("the form's own words replace the API's for the fields it could not read", () => {
    const problem = {
      status: 422,
      code: 'validation_failed',
      message: 'Some fields are missing or invalid.',
      requestId: 'req-1',
      issues: [
        { path: 'rateBps', message: 'Expected a number.' },
        { path: 'slug', message: 'Use lowercase letters, digits and single hyphens.' },
      ],
    }
    const merged = withReadErrors(problem, {
      rateBps: 'Enter the rate as a percentage with at most two decimals, like 5.25.',
    })
    expect(merged.issues).toEqual([
      {
        path: 'rateBps',
        message: 'Enter the rate as a percentage with at most two decimals, like 5.25.',
      },
      { path: 'slug', message: 'Use lowercase letters, digits and single hyphens.' },
    ])
  })

  test('one interest choice stands for both terms, so they cannot contradict each other', () => {
    expect(readOfferingTerms(typed).terms).toMatchObject({ rateType: 'simple', compounding: null })
    expect(readOfferingTerms({ ...typed, interest: 'monthly' }).terms).toMatchObject({
      rateType: 'compound',
      compounding: 'monthly',
    })
    for (const choice of ['', 'compound', 'hourly', 'constructor']) {
      expect(interestTerms(choice)).toBeNull()
      const { terms, errors } = readOfferingTerms({ ...typed, interest: choice })
      expect(errors.interest).toBe('Choose simple interest or how often it compounds.')
      expect(terms).toMatchObject({ rateType: null, compounding: null })
    }
    // And back: an offering's two terms as the one choice its form shows.
    expect(interestChoice({ rateType: 'compound', compounding: 'daily' })).toBe('daily')
    expect(interestChoice({ rateType: 'simple', compounding: null })).toBe('simple')
    for (const choice of ['simple', 'annual', 'semiannual', 'quarterly', 'monthly', 'daily']) {
      const terms = interestTerms(choice)
      expect(terms && interestChoice(terms)).toBe(choice)
    }
  })

  test("the API's issues about either interest term are shown on the one choice", () => {
    const problem = {
      status: 422,
      code: 'validation_failed',
      message: 'Some fields are missing or invalid.',
      requestId: 'req-1',
      issues: [{ path: 'compounding', message: 'Daily compounding needs an Actual day count.' }],
    }
    expect(withReadErrors(problem, {}).issues).toEqual([
      { path: 'interest', message: 'Daily compounding needs an Actual day count.' },
    ])
    // The form's own word on the choice replaces the API's on both terms.
    const unread = withReadErrors(
      { ...problem, issues: [{ path: 'rateType', message: 'Invalid option.' }, ...problem.issues] },
      { interest: 'Choose simple interest or how often it compounds.' },
    )
    expect(unread.issues).toEqual([
      { path: 'interest', message: 'Choose simple interest or how often it compounds.' },
    ])
  })
})
