import { describe, expect, test } from 'bun:test'
import { achDebitWording } from './authorization.ts'

const terms = {
  amountCents: 123_456,
  accountName: 'Plaid Checking',
  accountMask: '0000',
  institutionName: 'First Platypus Bank',
  issuer: 'Tenor Funding I LLC',
}

describe('the ACH debit authorization', () => {
  test('names the amount, the account, the bank and the issuer', () => {
    expect(achDebitWording(terms)).toBe(
      'I authorize Tenor to debit $1,234.56 once, by ACH, from my Plaid Checking account ending ' +
        '0000 at First Platypus Bank, today or on the next business day, to buy this note from ' +
        'Tenor Funding I LLC. I can cancel until the debit is sent.',
    )
  })

  test('says "account" once, and reads plainly when the bank gave no name or mask', () => {
    const wording = achDebitWording({
      ...terms,
      accountName: 'Custom checking account',
      accountMask: null,
      institutionName: null,
    })
    expect(wording).toContain('from my Custom checking account ending (not shown) at my bank,')
  })

  test('ends the sentence once when the issuer name ends with a full stop', () => {
    const wording = achDebitWording({ ...terms, issuer: 'Cove Capital Inc.' })
    expect(wording).toContain('to buy this note from Cove Capital Inc. I can cancel')
  })
})
