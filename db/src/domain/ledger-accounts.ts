/**
 * The chart of accounts (money.md §3.2, docs/decisions/0002-ledger.md). Every account code
 * matches exactly one template here, which fixes its normal balance and whether its balance
 * may ever fall below zero. A code that matches no template is refused, so a typo cannot open
 * a new account.
 */

export const normalBalances = ['debit', 'credit'] as const
export type NormalBalance = (typeof normalBalances)[number]

export type AccountKind =
  | 'fbo_cash'
  | 'ach_receivable'
  | 'ach_payable'
  | 'investor_held'
  | 'note_principal'
  | 'note_interest_payable'
  | 'issuer_interest_expense'
  | 'offering_authorized'
  | 'offering_capacity'
  | 'offering_sold'

export interface AccountRule {
  kind: AccountKind
  /** The code's shape; `{…}` stands for the id of the row the account belongs to. */
  template: string
  normalBalance: NormalBalance
  /** Whether the balance, read in its normal direction, may drop below zero. */
  canGoNegative: boolean
  meaning: string
}

export const chartOfAccounts: readonly AccountRule[] = [
  {
    kind: 'fbo_cash',
    template: 'bank:fbo_cash',
    normalBalance: 'debit',
    // Interest is paid from this account, but the issuer's deposits that fund interest are
    // not posted yet; until they are, cash is reconciled against the bank statement instead.
    canGoNegative: true,
    meaning: 'Money at our bank, in the for-benefit-of account',
  },
  {
    kind: 'ach_receivable',
    template: 'ach:receivable_in_transit',
    normalBalance: 'debit',
    canGoNegative: false,
    meaning: 'Investor ACH debits sent but not yet settled',
  },
  {
    kind: 'ach_payable',
    template: 'ach:payable_in_transit',
    normalBalance: 'credit',
    canGoNegative: false,
    meaning: 'Payout ACH credits sent but not yet settled',
  },
  {
    kind: 'investor_held',
    template: 'investor:{userId}:held',
    normalBalance: 'credit',
    canGoNegative: false,
    meaning: 'Payouts that came back (for example R02, account closed), owed to the investor',
  },
  {
    kind: 'note_principal',
    template: 'note:{purchaseId}:principal',
    normalBalance: 'credit',
    canGoNegative: false,
    meaning: "The note's principal, owed to the investor",
  },
  {
    kind: 'note_interest_payable',
    template: 'note:{purchaseId}:interest_payable',
    normalBalance: 'credit',
    canGoNegative: false,
    meaning: 'Interest accrued on the note and not yet paid',
  },
  {
    kind: 'issuer_interest_expense',
    template: 'issuer:{offeringId}:interest_expense',
    normalBalance: 'debit',
    canGoNegative: false,
    meaning: "The issuer's cost of interest on the offering's notes",
  },
  {
    kind: 'offering_authorized',
    template: 'offering:{offeringId}:authorized',
    normalBalance: 'debit',
    canGoNegative: false,
    meaning: 'The size of the raise, debited once when the offering opens',
  },
  {
    kind: 'offering_capacity',
    template: 'offering:{offeringId}:capacity',
    normalBalance: 'credit',
    canGoNegative: false,
    meaning: 'Capacity not yet sold; below zero would mean oversold',
  },
  {
    kind: 'offering_sold',
    template: 'offering:{offeringId}:sold',
    normalBalance: 'credit',
    canGoNegative: false,
    meaning: 'Capacity sold (reserved or settled purchases)',
  },
]

// Ids are UUIDv7 in practice; the narrow alphabet keeps `:` out so a code reads one way only.
const idPattern = '[A-Za-z0-9_-]{1,64}'
const compiled = chartOfAccounts.map((rule) => ({
  rule,
  pattern: new RegExp(`^${rule.template.replace(/\{\w+\}/, `(${idPattern})`)}$`),
}))

/** An account code read against the chart: its rule, and the id of the row it belongs to. */
export interface ParsedAccountCode {
  code: string
  rule: AccountRule
  ref: string | null
}

/** Reads an account code against the chart; null when it matches no template. */
export function parseAccountCode(code: string): ParsedAccountCode | null {
  for (const { rule, pattern } of compiled) {
    const match = pattern.exec(code)
    if (match) return { code, rule, ref: match[1] ?? null }
  }

  return null
}

function accountFor(template: string, id: string): string {
  const code = template.replace(/\{\w+\}/, id)
  if (parseAccountCode(code) === null) {
    throw new RangeError(`Not an id an account code can carry: ${JSON.stringify(id)}`)
  }

  return code
}

/** Builds account codes from the chart's templates, checking the ids they carry. */
export const accounts = {
  fboCash: 'bank:fbo_cash',
  achReceivable: 'ach:receivable_in_transit',
  achPayable: 'ach:payable_in_transit',
  investorHeld: (userId: string) => accountFor('investor:{userId}:held', userId),
  notePrincipal: (purchaseId: string) => accountFor('note:{purchaseId}:principal', purchaseId),
  noteInterestPayable: (purchaseId: string) =>
    accountFor('note:{purchaseId}:interest_payable', purchaseId),
  issuerInterestExpense: (offeringId: string) =>
    accountFor('issuer:{offeringId}:interest_expense', offeringId),
  offeringAuthorized: (offeringId: string) =>
    accountFor('offering:{offeringId}:authorized', offeringId),
  offeringCapacity: (offeringId: string) =>
    accountFor('offering:{offeringId}:capacity', offeringId),
  offeringSold: (offeringId: string) => accountFor('offering:{offeringId}:sold', offeringId),
} as const
