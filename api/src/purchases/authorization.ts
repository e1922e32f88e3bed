import { formatUsd } from '../routes/offerings/offerings.amounts.ts'

/**
 * The version of the debit authorization's wording. Change it with the wording: every stored
 * authorization names the version its investor agreed to, and old ones keep their own text.
 */
export const achDebitWordingVersion = 'ach-debit-2026-12c'

/** Where the investor agreed from, as the API saw the request. */
export interface DebitConsent {
  ipAddress: string | null
  userAgent: string | null
}

export interface DebitTerms {
  amountCents: number
  accountName: string
  accountMask: string | null
  /** The bank's name as Plaid gave it; null when Plaid did not. */
  institutionName: string | null
  issuer: string
}

/**
 * The sentence an investor agrees to before a purchase's one ACH debit. The site shows it on the
 * review step and the API stores it with the purchase, both from this function and the same
 * rows, so what is kept as proof is what was on the screen.
 */
export function achDebitWording(terms: DebitTerms): string {
  // "Checking account", not "Checking account account".
  const named = /\baccount$/i.test(terms.accountName)
    ? terms.accountName
    : `${terms.accountName} account`
  const account = `${named} ending ${terms.accountMask ?? '(not shown)'}`
  const bank = terms.institutionName ?? 'my bank'
  // An issuer named "Cove Capital Inc." already ends the sentence.
  const issuer = terms.issuer.endsWith('.') ? terms.issuer : `${terms.issuer}.`

  return (
    `I authorize Tenor to debit ${formatUsd(terms.amountCents)} once, by ACH, from my ${account} ` +
    `at ${bank}, today or on the next business day, to buy this note from ${issuer} ` +
    'I can cancel until the debit is sent.'
  )
}
