import type { Row } from '@libsql/client'
import { type Database, newId } from '@tenor/db'
import {
  type CalendarDate,
  defaultMaturityInstruction,
  offeringOpenedKey,
  openOfferingPosting,
  postTransactionWith,
  reservePurchasePosting,
  toCalendarDate,
} from '@tenor/db/domain'
import { type Execute, executeInSql } from '@tenor/db/statement'
import { outboxStatement } from '../lib/outbox.ts'
import type { FundableAccount, FundableItem } from '../plaid/account-use.ts'
import { achDebitWording, achDebitWordingVersion, type DebitConsent } from './authorization.ts'
import type { PurchaseDeps } from './deps.ts'
import { type Buyer, purchaseReceivedEmail } from './notices.ts'
import {
  capacityRefusal,
  checkBuyer,
  checkFunding,
  type FundingAccount,
  type PurchaseRequest,
  rateChanged,
} from './preconditions.ts'
import type { OfferingRow } from './records.ts'

/**
 * Phase one of a purchase, one transaction: reserve capacity by a conditional update (the
 * offering can never be oversold, however many buyers race), write the purchase as
 * `initiated` with the investor's authorization of its debit, post the reservation to the
 * ledger, tie the idempotency key to the purchase, and write the "purchase received" email.
 * Answers the new purchase's id; throws the capacity refusal, writing nothing.
 *
 * Every purchase passes through here while holding the process's write lock, so it is written
 * as plain SQL on the libSQL transaction (docs/performance.md): the buyer and offering come
 * from the checks the caller already made, and the email is rendered before the lock is taken.
 */
export async function reservePurchase(
  deps: PurchaseDeps,
  input: {
    buyer: Buyer
    offering: OfferingRow
    account: FundingAccount
    request: PurchaseRequest
    consent: DebitConsent
    keyId: string
    today: CalendarDate
  },
): Promise<string> {
  const { buyer, offering, request, today } = input
  const now = deps.clock.now().getTime()
  const purchaseId = newId()
  const reservation = reservePurchasePosting({
    purchaseId,
    offeringId: offering.id,
    userId: buyer.id,
    effectiveDate: today,
    amountCents: request.amountCents,
  })
  const wording = achDebitWording({
    amountCents: request.amountCents,
    accountName: input.account.name,
    accountMask: input.account.mask,
    institutionName: input.account.institutionName,
    issuer: offering.issuer,
  })
  const email = purchaseReceivedEmail(
    buyer,
    { id: purchaseId, amountCents: request.amountCents },
    offering,
    wording,
    deps.env.publicUrl,
  )

  const refusal = await deps.database.writeSql(async (tx) => {
    const execute = executeInSql(tx)
    await checkStanding(execute, buyer.id, request.bankAccountId)
    const capacity = await execute({
      sql: `update offerings set reserved_cents = reserved_cents + ?, updated_at = ?
        where id = ? and status = 'open' and opens_on <= ? and closes_on >= ?
          and reserved_cents + ? <= capacity_cents and (? is null or rate_bps = ?)`,
      args: [
        request.amountCents,
        now,
        offering.id,
        today,
        today,
        request.amountCents,
        request.rateBps ?? null,
        request.rateBps ?? null,
      ],
    })
    if (capacity.rowsAffected === 0) {
      // Why it refused, read in the transaction that refused it.
      const { rows } = await execute({
        sql: 'select status, opens_on, closes_on, capacity_cents, reserved_cents, min_purchase_cents, rate_bps from offerings where id = ?',
        args: [offering.id],
      })
      await tx.rollback()
      return { refused: rows[0] }
    }

    await execute({
      sql: `insert into purchases (id, user_id, offering_id, bank_account_id, amount_cents, rate_bps, state, maturity_instruction, created_at, updated_at)
        values (?, ?, ?, ?, ?, (select rate_bps from offerings where id = ?), 'initiated', ?, ?, ?)`,
      args: [
        purchaseId,
        buyer.id,
        offering.id,
        request.bankAccountId,
        request.amountCents,
        // The rate in force when capacity was reserved, in the same transaction.
        offering.id,
        // Paid out unless the investor later picks an offering to roll into, whatever an
        // offering stored with another default says.
        defaultMaturityInstruction,
        now,
        now,
      ],
    })
    await execute({
      sql: `insert into purchase_events (id, purchase_id, from_state, to_state, reason, created_at)
        values (?, ?, null, 'initiated', ?, ?)`,
      args: [
        newId(),
        purchaseId,
        'purchase received: the investor authorized a one-time ACH debit; capacity reserved',
        now,
      ],
    })
    await execute({
      sql: `insert into ach_authorizations (id, purchase_id, user_id, bank_account_id, amount_cents, wording_version, wording, ip_address, user_agent, created_at)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      args: [
        newId(),
        purchaseId,
        buyer.id,
        request.bankAccountId,
        request.amountCents,
        achDebitWordingVersion,
        wording,
        input.consent.ipAddress,
        input.consent.userAgent,
        now,
      ],
    })

    if (!openedOfferings(deps.database).has(offering.id)) await openOffering(execute, offering)
    await postTransactionWith(execute, reservation)

    await execute({
      sql: 'update idempotency_keys set purchase_id = ? where id = ?',
      args: [purchaseId, input.keyId],
    })
    await execute(outboxStatement(email, new Date(now)))

    return null
  })
  if (refusal) {
    const current = refreshed(offering, refusal.refused)
    if (request.rateBps !== undefined && current.rateBps !== request.rateBps) {
      throw rateChanged(request.rateBps, current.rateBps)
    }
    throw capacityRefusal(current, request.amountCents, today)
  }
  // Committed with this purchase if not before.
  openedOfferings(deps.database).add(offering.id)

  return purchaseId
}

/**
 * The buyer and the funding account as the reservation's transaction finds them. The request
 * was checked before the write lock, so a buyer disabled, a KYC approval withdrawn or an
 * account unlinked in the meantime would otherwise still buy; the refusal thrown here rolls
 * the reservation back.
 */
async function checkStanding(execute: Execute, userId: string, bankAccountId: string) {
  const { rows } = await execute({
    sql: `select u.status, u.email_verified_at, u.kyc_status,
        a.status as account_status, a.type, a.subtype, i.status as item_status
      from users u
        left join bank_accounts a on a.id = ? and a.user_id = u.id
        left join plaid_items i on i.id = a.item_id
      where u.id = ?`,
    args: [bankAccountId, userId],
  })
  const row = rows[0]
  checkBuyer({
    status: row ? String(row.status) : 'deleted',
    emailVerified: row?.email_verified_at != null,
    kycStatus: String(row?.kyc_status),
  })
  checkFunding(
    row?.account_status == null
      ? undefined
      : {
          account: {
            status: row.account_status as FundableAccount['status'],
            type: String(row.type),
            subtype: row.subtype === null ? null : String(row.subtype),
          },
          item: { status: row.item_status as FundableItem['status'] },
        },
  )
}

/** The offering as the refusing transaction saw it; an offering deleted meanwhile is closed. */
function refreshed(offering: OfferingRow, row: Row | undefined): OfferingRow {
  if (!row) return { ...offering, status: 'closed' }

  return {
    ...offering,
    status: row.status as OfferingRow['status'],
    opensOn: String(row.opens_on),
    closesOn: String(row.closes_on),
    capacityCents: Number(row.capacity_cents),
    reservedCents: Number(row.reserved_cents),
    minPurchaseCents: Number(row.min_purchase_cents),
    rateBps: Number(row.rate_bps),
  }
}

/**
 * Offerings this process has seen in the ledger. The ledger is append-only, so an offering
 * once opened stays opened, and its purchases can skip looking.
 */
const opened = new WeakMap<Database, Set<string>>()

function openedOfferings(database: Database): Set<string> {
  let known = opened.get(database)
  if (!known) {
    known = new Set()
    opened.set(database, known)
  }

  return known
}

/**
 * The offering's capacity enters the ledger with its first purchase, at the capacity it has
 * then. A capacity changed since is for the change itself to post, so it must not make later
 * sales fail here.
 */
async function openOffering(execute: Execute, offering: OfferingRow): Promise<void> {
  const unopened = await execute({
    sql: 'select capacity_cents from offerings where id = ? and not exists (select 1 from ledger_transactions where idempotency_key = ?)',
    args: [offering.id, offeringOpenedKey(offering.id)],
  })
  const capacityCents = unopened.rows[0]?.capacity_cents
  if (capacityCents === undefined) return

  await postTransactionWith(
    execute,
    openOfferingPosting({
      offeringId: offering.id,
      capacityCents: Number(capacityCents),
      effectiveDate: toCalendarDate(offering.opensOn),
    }),
  )
}
