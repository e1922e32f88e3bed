import { describe, expect, test } from 'bun:test'
import {
  accountExists,
  confirmNewEmail,
  passwordChanged,
  passwordReset,
  verifyEmail,
} from './emails.ts'
import { asNote, maturityPaid, purchaseActive, purchaseStopped } from './note-emails.ts'

describe('emails name a note once', () => {
  test('an offering named "… Note" is not called "… Note note"', () => {
    expect(asNote('Series A 6-Month Note')).toBe('Series A 6-Month Note')
    expect(asNote('Harbor Notes')).toBe('Harbor Notes')
    expect(asNote('Series A')).toBe('Series A note')
    // A word that merely ends in "note" is not the word.
    expect(asNote('Keynote Fund')).toBe('Keynote Fund note')
  })

  test('in the subject and the body alike', () => {
    const words = { offeringName: 'Series A 6-Month Note', amount: '$1,000.00' }
    const active = purchaseActive(
      'Ada',
      { ...words, settledOn: '2026-03-02', maturityDate: '2026-09-02', payout: '$1,040.33' },
      'https://tenor.example/portfolio',
    )
    expect(active.subject).toBe('Your Series A 6-Month Note is active')
    const paid = maturityPaid(
      'Ada',
      { ...words, maturityDate: '2026-09-02', note: null, repaidEarly: null, account: null },
      'https://tenor.example/portfolio',
    )
    expect(`${paid.subject}\n${paid.text}`).not.toMatch(/note note/i)
  })
})

describe('confirming an address', () => {
  const url = 'https://tenor.example/verify-email?token=abc'

  test('a change of address is not worded as a sign-up', () => {
    const change = confirmNewEmail(url)
    expect(change.subject).toBe('Confirm your new email address for Tenor')
    expect(change.text).toContain('use this address for your Tenor account')
    expect(change.text).toContain(url)
    expect(change.text).not.toMatch(/setting up|create an account/)
  })

  test('a sign-up still reads as one', () => {
    expect(verifyEmail(url).text).toContain('finish setting up your Tenor account')
  })

  test('an address not yet confirmed is greeted without the name its registrant typed', () => {
    for (const email of [verifyEmail(url), confirmNewEmail(url), passwordReset(null, url)]) {
      expect(email.text.startsWith('Hello,\n')).toBe(true)
    }
    expect(accountExists(null, url, url).text.startsWith('Hello,\n')).toBe(true)
    expect(passwordReset('Ada Lovelace', url).text.startsWith('Hello Ada Lovelace,\n')).toBe(true)
  })
})

describe('a changed password', () => {
  const resetUrl = 'https://tenor.example/forgot-password'

  test('changed in Settings, every other session was signed out', () => {
    const changed = passwordChanged('Ada', 'settings', resetUrl)
    expect(changed.text).toContain('every other session was signed out')
  })

  test('reset by emailed link, every session was, this one included', () => {
    const reset = passwordChanged('Ada', 'reset', resetUrl)
    expect(reset.text).toContain('every session was signed out')
    expect(reset.text).not.toContain('every other session')
  })

  test('gives the link to reset it again for someone who did not change it', () => {
    for (const how of ['settings', 'reset'] as const) {
      const { text, html } = passwordChanged('Ada', how, resetUrl)
      expect(text).toContain(`If this was not you, reset your password at once at ${resetUrl}`)
      expect(html).toContain(resetUrl)
    }
  })
})

describe('a purchase that did not go through', () => {
  const words = { offeringName: 'Series A 6-Month Note', amount: '$1,000.00', reason: 'declined' }
  const url = 'https://tenor.example/purchases/1'

  test('names the note in the body, not only in the subject', () => {
    for (const outcome of ['failed', 'cancelled', 'returned'] as const) {
      const email = purchaseStopped('Ada', { ...words, outcome }, url)
      const body = email.text.split('\n').slice(1).join('\n')
      expect(body).toContain('$1,000.00')
      expect(body).toContain('Series A 6-Month Note')
    }
    expect(purchaseStopped('Ada', { ...words, outcome: 'failed' }, url).text).toContain(
      'Your $1,000.00 purchase of Series A 6-Month Note is undone and your bank account will not be debited for it.',
    )
  })
})

describe('the email for money that has arrived', () => {
  const words = { offeringName: 'Series B', amount: '$500.59', maturityDate: '2026-12-12' }
  const url = 'https://tenor.example/portfolio'

  test('a note repaid early is not said to have matured', () => {
    const repaid = maturityPaid(
      'Ada',
      { ...words, note: null, repaidEarly: 'refund', account: null },
      url,
    )
    expect(repaid.subject).toBe('Your Series B repayment of $500.59 has arrived')
    expect(repaid.text).toContain(
      'Tenor repaid your Series B note early on December 12, 2026, as your refund was approved, and the $500.59 payment has settled',
    )
    expect(repaid.text).not.toContain('matured')
  })

  test('a note that ran its term says it matured, and where the money arrived', () => {
    const paid = maturityPaid(
      'Ada',
      { ...words, note: null, repaidEarly: null, account: 'Chase checking ending 0000' },
      url,
    )
    expect(paid.subject).toBe('Your Series B payout of $500.59 has arrived')
    expect(paid.text).toContain('Your Series B note matured on December 12, 2026')
    expect(paid.text).toContain('has settled in your Chase checking ending 0000.')
  })
})
