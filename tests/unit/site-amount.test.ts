import { describe, expect, test } from 'bun:test'
import { amountHelp, parseDollars, unreadableAmount } from '../../web/src/lib/amount.ts'

describe('a typed amount that cannot be bought', () => {
  test('zero and the implausibly large are told so, not asked for dollars', () => {
    expect(parseDollars('0')).toBeNull()
    expect(unreadableAmount('0')).toBe('Enter an amount above zero.')
    expect(unreadableAmount('$0.00')).toBe('Enter an amount above zero.')
    expect(parseDollars('99999999999')).toBeNull()
    expect(unreadableAmount('99999999999', 5_000_000)).toBe('The maximum purchase is $50,000.00.')
    expect(unreadableAmount('99,999,999,999')).toBe('That is more than any note sells.')
  })

  test('what is not a dollar amount is asked for as one', () => {
    for (const text of ['abc', '-5', '1e5', '1.234', '']) {
      expect(unreadableAmount(text)).toBe(amountHelp)
    }
  })
})
