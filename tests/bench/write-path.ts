/**
 * Figure 2: Tenor's own purchase write (reservePurchase: capacity, purchase, history, ledger,
 * idempotency link, outbox email) against a raw @libsql/client transaction doing the same
 * writes, sequentially and fifty at a time. Both queue their transactions in-process, as
 * libSQL requires; the check after each run counts oversold offerings and errors.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDeps } from '@tenor/api/deps'
import { achDebitWording } from '@tenor/api/purchases/authorization'
import { reservePurchase } from '@tenor/api/purchases/reserve'
import { type Database, migrateDatabase, newId, openDatabase, systemClock } from '@tenor/db'
import { toCalendarDate } from '@tenor/db/domain'
import { parseEnv } from '@tenor/db/env'
import { createLogger } from '@tenor/db/logger'
import { bankAccounts, idempotencyKeys, offerings, plaidItems, users } from '@tenor/db/schema'
import { type BenchFigure, figure } from './figures.ts'
import { interleave, median } from './harness.ts'

const today = toCalendarDate(new Date().toISOString().slice(0, 10))
const amount = 10_000
// The account and the request's origin, as the authorization stored with each purchase names them.
const benchAccount = { name: 'Checking', mask: '0000', institutionName: 'Bench Bank' }
const consent = { ipAddress: '127.0.0.1', userAgent: 'bench' }

interface Fixture {
  database: Database
  offeringId: string
  userId: string
  bankAccountId: string
  remove(): void
}

async function prepare(capacityCents: number): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'tenor-write-'))
  const database = openDatabase({ url: `file:${join(dir, 'tenor.db')}` })
  await migrateDatabase(database)
  const userId = newId()
  const offeringId = newId()
  const itemId = newId()
  const bankAccountId = newId()
  const now = new Date()
  await database.write(async (tx) => {
    await tx.insert(users).values({
      id: userId,
      email: `${userId}@example.com`,
      passwordHash: 'x',
      legalName: 'Bench Buyer',
      emailVerifiedAt: now,
      kycStatus: 'approved',
    })
    await tx.insert(offerings).values({
      id: offeringId,
      slug: `bench-${offeringId}`,
      name: 'Bench Note',
      issuer: 'Bench',
      description: 'Bench',
      rateBps: 500,
      rateType: 'simple',
      dayCount: 'act_365f',
      termMonths: 6,
      capacityCents,
      minPurchaseCents: 100,
      maxPurchaseCents: 1_000_000,
      incrementCents: 1,
      opensOn: today,
      closesOn: today,
      status: 'open',
    })
    await tx
      .insert(plaidItems)
      .values({ id: itemId, userId, plaidItemId: itemId, accessToken: 'x', statusChangedAt: now })
    await tx.insert(bankAccounts).values({
      id: bankAccountId,
      itemId,
      userId,
      plaidAccountId: 'a',
      name: 'Checking',
      type: 'depository',
      subtype: 'checking',
    })
  })
  return {
    database,
    offeringId,
    userId,
    bankAccountId,
    remove: () => {
      database.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function newKey(f: Fixture): Promise<string> {
  const id = newId()
  const now = new Date()
  await f.database.write((tx) =>
    tx
      .insert(idempotencyKeys)
      .values({ id, userId: f.userId, key: id, requestHash: 'h', lockedAt: now, expiresAt: now })
      .then(() => undefined),
  )
  return id
}

/** The same writes as reservePurchase, as hand-written SQL in one interactive transaction. */
async function rawPurchase(
  f: Fixture,
  keyId: string,
  queue: { last: Promise<unknown> },
): Promise<boolean> {
  const run = queue.last.then(async () => {
    const tx = await f.database.client.transaction('write')
    try {
      const now = Date.now()
      // The buyer's standing and account, read in the transaction as reservePurchase reads them.
      const standing = await tx.execute({
        sql: `select u.status, u.email_verified_at, u.kyc_status, a.status as account_status, a.type, a.subtype, i.status as item_status
          from users u left join bank_accounts a on a.id = ? and a.user_id = u.id left join plaid_items i on i.id = a.item_id where u.id = ?`,
        args: [f.bankAccountId, f.userId],
      })
      if (standing.rows[0]?.kyc_status !== 'approved') throw new Error('buyer not approved')
      const reserved = await tx.execute({
        sql: 'update offerings set reserved_cents = reserved_cents + ?, updated_at = ? where id = ? and status = ? and reserved_cents + ? <= capacity_cents and (? is null or rate_bps = ?) returning id',
        args: [amount, now, f.offeringId, 'open', amount, null, null],
      })
      if (reserved.rows.length === 0) {
        await tx.rollback()
        return false
      }
      const purchaseId = newId()
      await tx.execute({
        sql: "insert into purchases (id, user_id, offering_id, bank_account_id, amount_cents, rate_bps, state, maturity_instruction, created_at, updated_at) values (?, ?, ?, ?, ?, (select rate_bps from offerings where id = ?), 'initiated', 'payout', ?, ?)",
        args: [purchaseId, f.userId, f.offeringId, f.bankAccountId, amount, f.offeringId, now, now],
      })
      await tx.execute({
        sql: "insert into purchase_events (id, purchase_id, to_state, reason, created_at) values (?, ?, 'initiated', 'purchase received', ?)",
        args: [newId(), purchaseId, now],
      })
      await tx.execute({
        sql: "insert into ach_authorizations (id, purchase_id, user_id, bank_account_id, amount_cents, wording_version, wording, ip_address, user_agent, created_at) values (?, ?, ?, ?, ?, 'v', ?, '127.0.0.1', 'bench', ?)",
        args: [
          newId(),
          purchaseId,
          f.userId,
          f.bankAccountId,
          amount,
          achDebitWording({
            amountCents: amount,
            accountName: benchAccount.name,
            accountMask: benchAccount.mask,
            institutionName: benchAccount.institutionName,
            issuer: 'Bench',
          }),
          now,
        ],
      })
      const txId = newId()
      await tx.execute({
        sql: "insert into ledger_transactions (id, kind, idempotency_key, purchase_id, offering_id, user_id, effective_date, created_at) values (?, 'purchase_reserved', ?, ?, ?, ?, ?, ?)",
        args: [txId, `raw:${purchaseId}`, purchaseId, f.offeringId, f.userId, today, now],
      })
      const codes: [string, string, string, string] = [
        `offering:${f.offeringId}:capacity`,
        `offering:${f.offeringId}:sold`,
        'ach:receivable_in_transit',
        `note:${purchaseId}:principal`,
      ]
      await tx.execute({
        sql: `insert into ledger_accounts (id, code, normal_balance, created_at) values ${codes.map(() => '(?, ?, ?, ?)').join(', ')} on conflict(code) do nothing`,
        args: codes.flatMap((code, i) => [newId(), code, i === 2 ? 'debit' : 'credit', now]),
      })
      await tx.execute({
        sql: 'insert into ledger_entries (id, transaction_id, account_id, debit_cents, credit_cents, created_at) select v.column1, ?, a.id, v.column3, v.column4, ? from (values (?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?), (?, ?, ?, ?)) v join ledger_accounts a on a.code = v.column2',
        args: [
          txId,
          now,
          newId(),
          codes[0],
          amount,
          0,
          newId(),
          codes[1],
          0,
          amount,
          newId(),
          codes[2],
          amount,
          0,
          newId(),
          codes[3],
          0,
          amount,
        ],
      })
      await tx.execute({
        sql: 'update idempotency_keys set purchase_id = ? where id = ?',
        args: [purchaseId, keyId],
      })
      await tx.execute({
        sql: "insert into outbox_messages (id, kind, dedupe_key, user_id, to_address, subject, text_body, html_body, next_attempt_at, created_at) values (?, 'purchase_received', ?, ?, (select email from users where id = ?), 'We received your purchase', 'text', '<p>html</p>', ?, ?)",
        args: [newId(), `purchase-received:${purchaseId}`, f.userId, f.userId, now, now],
      })
      await tx.commit()
      return true
    } finally {
      tx.close()
    }
  })
  queue.last = run.catch(() => undefined)
  return run
}

interface WriteResult {
  perSecond: number
  errors: number
  oversold: number
}

export async function measure(
  kind: 'tenor' | 'raw',
  concurrency: number,
  count: number,
): Promise<WriteResult> {
  // Room for four fifths of the attempts: the last fifth race for capacity and lose cleanly.
  const f = await prepare(Math.floor(count * 0.8) * amount)
  const deps = createDeps({
    env: parseEnv({ APP_ENV: 'test' }),
    database: f.database,
    log: createLogger('silent'),
    clock: systemClock,
  })
  const keys = await Promise.all(Array.from({ length: count }, () => newKey(f)))
  const queue = { last: Promise.resolve() as Promise<unknown> }
  let errors = 0
  const request = {
    offeringId: f.offeringId,
    bankAccountId: f.bankAccountId,
    amountCents: amount,
    consent: true as const,
  }
  // The caller's checks read the buyer and the offering before the reservation; so does this.
  const buyer = { id: f.userId, email: `${f.userId}@example.com`, legalName: 'Bench Buyer' }
  const [offering] = await f.database.db.select().from(offerings)
  if (!offering) throw new Error('The bench offering is missing')
  const reservation = { buyer, offering, account: benchAccount, request, consent, today }
  const one = async (keyId: string) => {
    try {
      if (kind === 'raw') await rawPurchase(f, keyId, queue)
      else await reservePurchase(deps, { ...reservation, keyId })
    } catch (error) {
      // A sold-out refusal is the expected answer for the last fifth; anything else is an error.
      if (
        !(
          error instanceof Error &&
          'code' in error &&
          /sold_out|insufficient_capacity/.test(String(error.code))
        )
      )
        errors++
    }
  }
  const started = performance.now()
  for (let i = 0; i < keys.length; i += concurrency) {
    await Promise.all(keys.slice(i, i + concurrency).map(one))
  }
  const seconds = (performance.now() - started) / 1000
  const [after] = await f.database.db.select().from(offerings)
  const oversold = after && after.reservedCents > after.capacityCents ? 1 : 0
  f.remove()
  return { perSecond: count / seconds, errors, oversold }
}

export async function benchWritePath(rounds: number): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = []
  for (const concurrency of [1, 50]) {
    const results = await interleave(rounds, {
      tenor: () => measure('tenor', concurrency, 1000),
      raw: () => measure('raw', concurrency, 1000),
    })
    const tenor = results.tenor ?? []
    const raw = results.raw ?? []
    figures.push(
      figure({
        name: `Purchase write path, ${concurrency === 1 ? 'sequential' : '50-way concurrent'}`,
        value: median(tenor.map((r) => r.perSecond)),
        unit: 'purchases/s',
        ceiling: median(raw.map((r) => r.perSecond)),
        ceilingName: 'raw @libsql/client transaction',
        goal: 0.8,
        extra: {
          oversold: tenor.reduce((n, r) => n + r.oversold, 0),
          errors: tenor.reduce((n, r) => n + r.errors, 0),
          rawErrors: raw.reduce((n, r) => n + r.errors, 0),
        },
      }),
    )
  }
  return figures
}
