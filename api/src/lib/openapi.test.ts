import { describe, expect, test } from 'bun:test'
import { z } from '@hono/zod-openapi'
import { typedDay, validationIssues } from './openapi.ts'

const body = z.strictObject({
  rateBps: z.number().int('Enter whole basis points.').max(5000, 'At most 50%.'),
  address: z.strictObject({ city: z.string() }),
})
const issuesOf = (input: unknown) => {
  const parsed = body.safeParse(input)
  if (parsed.success) throw new Error('expected a refusal')
  return validationIssues(parsed.error)
}

describe('validation issues', () => {
  test('name each field once, with its first problem', () => {
    expect(issuesOf({ rateBps: 1e308, address: { city: 'Austin' } })).toEqual([
      { path: 'rateBps', message: 'Enter whole basis points.' },
    ])
  })

  test('name a field the request does not take by its own path, nested too', () => {
    expect(issuesOf({ rateBps: 1, address: { city: 'Austin', zip: 1 }, extra: true })).toEqual([
      { path: 'address.zip', message: 'Remove this field: this request does not take it.' },
      { path: 'extra', message: 'Remove this field: this request does not take it.' },
    ])
  })

  test('name a field called "" as such, not as the whole body', () => {
    expect(issuesOf({ rateBps: 1, address: { city: 'Austin' }, '': 1 })).toEqual([
      { path: '""', message: 'Remove this field: this request does not take it.' },
    ])
  })

  test('name a few of thousands of made-up fields, and count the rest', () => {
    const flood = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]))
    const issues = issuesOf({ rateBps: 1, address: { city: 'Austin' }, ...flood })
    expect(issues).toHaveLength(11)
    expect(issues.at(-1)).toEqual({
      path: '(body)',
      message: 'Remove 4990 more fields this request does not take.',
    })
  })
})

describe('words for a bound', () => {
  const message = (schema: z.ZodType, input: unknown) =>
    schema.safeParse(input).error?.issues.map((issue) => issue.message)

  test('name an exclusive bound as one not to reach, and an inclusive one as the least or most', () => {
    expect(message(z.number().positive(), 0)).toEqual(['Use more than 0.'])
    expect(message(z.number().lt(10), 10)).toEqual(['Use less than 10.'])
    expect(message(z.number().int().min(1), 0)).toEqual(['Use at least 1.'])
    expect(message(z.string().max(3), 'four')).toEqual(['Use at most 3 characters.'])
  })
})

describe('a typed day', () => {
  const problem = (day: string) => typedDay.safeParse(day).error?.issues.map((i) => i.message)

  test('tells a day no calendar has from a date in the wrong form', () => {
    expect(problem('2027-02-30')).toEqual(['There is no such day in the calendar.'])
    expect(problem('2028-02-29')).toBeUndefined()
    expect(problem('2027/02/03')).toEqual(['Enter a date as YYYY-MM-DD.'])
    expect(problem('1999-12-31')).toEqual(['Use a date from 2000 to 2199.'])
  })
})
