import { sql } from 'drizzle-orm'
import type { LedgerReader } from './ledger.ts'
import { parseAccountCode } from './ledger-accounts.ts'
import {
  checkHeldBalances,
  checkOfferingReservations,
  checkPayoutPostings,
  checkPurchasePostings,
} from './ledger-rows.ts'

/** The invariants `checkLedger` verifies (money.md §3.6). */
export type LedgerRule =
  | 'unbalanced_transaction'
  | 'transaction_without_entries'
  | 'ledger_out_of_balance'
  | 'entry_without_account'
  | 'entry_without_transaction'
  | 'invalid_entry_amount'
  | 'account_not_in_chart'
  | 'wrong_normal_balance'
  | 'negative_balance'
  | 'oversold_offering'
  | 'closed_note_still_owed'
  | 'over_capacity'
  | 'reservation_mismatch'
  | 'purchase_state_mismatch'
  | 'payout_state_mismatch'
  | 'held_balance_mismatch'

export interface LedgerViolation {
  rule: LedgerRule
  message: string
  /** The transaction, entry, account code or offering the violation is about. */
  ref: string | null
}

export interface LedgerSummary {
  transactions: number
  entries: number
  accounts: number
  debitsCents: number
  creditsCents: number
}

interface TransactionTotals {
  id: string
  key: string
  entries: number
  debits: number
  credits: number
}

interface AccountTotals {
  code: string
  normalBalance: string
  debits: number
  credits: number
}

/**
 * Verifies every ledger invariant and lists what breaks: each transaction has entries and
 * balances; all debits equal all credits; every entry has its account and transaction and one
 * positive side; every account is in the chart with its normal balance; no account that must
 * not go negative does; no offering has sold more than the capacity it opened with; a note
 * that no longer owes its investor (matured into a payout, paid, or undone) holds no principal
 * or interest payable; and the rows agree with the ledger (`ledger-rows.ts`): each offering's
 * reservation, each purchase's state and each payout's state, and each investor's held balance.
 */
export async function checkLedger(db: LedgerReader): Promise<LedgerViolation[]> {
  const violations: LedgerViolation[] = []
  const add = (rule: LedgerRule, ref: string | null, message: string) =>
    violations.push({ rule, ref, message })

  const transactions = await db.all<TransactionTotals>(sql`
    select t.id, t.idempotency_key as key, count(e.id) as entries,
      coalesce(sum(e.debit_cents), 0) as debits, coalesce(sum(e.credit_cents), 0) as credits
    from ledger_transactions t left join ledger_entries e on e.transaction_id = t.id
    group by t.id
    having count(e.id) = 0 or coalesce(sum(e.debit_cents), 0) != coalesce(sum(e.credit_cents), 0)`)
  for (const t of transactions) {
    if (t.entries === 0) add('transaction_without_entries', t.id, `${t.key} has no entries`)
    else add('unbalanced_transaction', t.id, `${t.key} debits ${t.debits} but credits ${t.credits}`)
  }

  const summary = await summarizeLedger(db)
  if (summary.debitsCents !== summary.creditsCents) {
    add(
      'ledger_out_of_balance',
      null,
      `All debits total ${summary.debitsCents} but all credits total ${summary.creditsCents}`,
    )
  }

  const entries = await db.all<{ id: string; noAccount: number; noTransaction: number }>(sql`
    select e.id, a.id is null as noAccount, t.id is null as noTransaction
    from ledger_entries e
    left join ledger_accounts a on a.id = e.account_id
    left join ledger_transactions t on t.id = e.transaction_id
    where a.id is null or t.id is null
      or typeof(e.debit_cents) != 'integer' or typeof(e.credit_cents) != 'integer'
      or not ((e.debit_cents > 0 and e.credit_cents = 0) or (e.debit_cents = 0 and e.credit_cents > 0))`)
  for (const e of entries) {
    if (e.noAccount) add('entry_without_account', e.id, `Entry ${e.id} names no account`)
    if (e.noTransaction) add('entry_without_transaction', e.id, `Entry ${e.id} has no transaction`)
    if (!e.noAccount && !e.noTransaction) {
      add('invalid_entry_amount', e.id, `Entry ${e.id} is not one positive debit or credit`)
    }
  }

  const accounts = await db.all<AccountTotals>(sql`
    select a.code, a.normal_balance as normalBalance,
      coalesce(sum(e.debit_cents), 0) as debits, coalesce(sum(e.credit_cents), 0) as credits
    from ledger_accounts a left join ledger_entries e on e.account_id = a.id
    group by a.id`)
  violations.push(...checkAccounts(accounts))

  const owed = await db.all<{
    purchaseId: string
    state: string
    code: string
    balance: number
  }>(sql`
    select p.id as purchaseId, p.state, a.code,
      sum(e.credit_cents) - sum(e.debit_cents) as balance
    from purchases p
    join ledger_accounts a
      on a.code in ('note:' || p.id || ':principal', 'note:' || p.id || ':interest_payable')
    join ledger_entries e on e.account_id = a.id
    where p.state in (${sql.join(
      closedNoteStates.map((state) => sql`${state}`),
      sql`, `,
    )})
    group by a.id
    having balance != 0`)
  for (const note of owed) {
    add(
      'closed_note_still_owed',
      note.purchaseId,
      `${note.code} stands at ${note.balance} cents though the purchase is ${note.state}`,
    )
  }

  violations.push(
    ...(await checkOfferingReservations(db)),
    ...(await checkPurchasePostings(db)),
    ...(await checkPayoutPostings(db)),
    ...(await checkHeldBalances(db)),
  )

  return violations
}

// States in which a note owes its investor nothing more: a matured note owes its payout instead.
const closedNoteStates = ['matured', 'paid', 'failed', 'cancelled', 'returned'] as const

/** Counts the ledger's rows and adds up all its debits and credits. */
export async function summarizeLedger(db: LedgerReader): Promise<LedgerSummary> {
  const row = await db.get<LedgerSummary>(sql`
    select
      (select count(*) from ledger_transactions) as transactions,
      (select count(*) from ledger_entries) as entries,
      (select count(*) from ledger_accounts) as accounts,
      (select coalesce(sum(debit_cents), 0) from ledger_entries) as debitsCents,
      (select coalesce(sum(credit_cents), 0) from ledger_entries) as creditsCents`)
  if (!row) throw new Error('The ledger summary query answered nothing')

  return row
}

function checkAccounts(accounts: AccountTotals[]): LedgerViolation[] {
  const violations: LedgerViolation[] = []
  // Per offering: what was authorized at opening and what has been sold.
  const offerings = new Map<string, { authorized: number; sold: number }>()

  for (const account of accounts) {
    const parsed = parseAccountCode(account.code)
    if (!parsed) {
      violations.push({
        rule: 'account_not_in_chart',
        ref: account.code,
        message: `${account.code} matches no account in the chart`,
      })
      continue
    }
    const { rule, ref } = parsed
    if (account.normalBalance !== rule.normalBalance) {
      violations.push({
        rule: 'wrong_normal_balance',
        ref: account.code,
        message: `${account.code} is ${account.normalBalance}-normal; the chart says ${rule.normalBalance}`,
      })
    }

    const balance =
      rule.normalBalance === 'debit'
        ? account.debits - account.credits
        : account.credits - account.debits
    if (balance < 0 && !rule.canGoNegative) {
      violations.push({
        rule: 'negative_balance',
        ref: account.code,
        message: `${account.code} stands at ${balance} cents and must not go below zero`,
      })
    }

    if (ref && (rule.kind === 'offering_authorized' || rule.kind === 'offering_sold')) {
      const offering = offerings.get(ref) ?? { authorized: 0, sold: 0 }
      if (rule.kind === 'offering_authorized') offering.authorized = balance
      else offering.sold = balance
      offerings.set(ref, offering)
    }
  }

  for (const [offeringId, { authorized, sold }] of offerings) {
    if (sold > authorized) {
      violations.push({
        rule: 'oversold_offering',
        ref: offeringId,
        message: `Offering ${offeringId} sold ${sold} cents of ${authorized} cents capacity`,
      })
    }
  }

  return violations
}
