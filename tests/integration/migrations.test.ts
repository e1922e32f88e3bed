import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { countPendingMigrations, type Database, migrationsFolder, openDatabase } from '@tenor/db'
import { fingerprintDatabase } from '@tenor/db/backup'
import { sql } from 'drizzle-orm'
import { migrate } from 'drizzle-orm/libsql/migrator'

let dir: string
let database: Database

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tenor-migrations-'))
  database = openDatabase({ url: `file:${join(dir, 'tenor.db')}` })
})
afterEach(() => {
  database.close()
  rmSync(dir, { recursive: true, force: true })
})

/** A copy of the migrations folder holding only the first `count` migrations. */
function firstMigrations(count: number): string {
  const folder = join(dir, `migrations-${count}`)
  cpSync(migrationsFolder, folder, { recursive: true })
  const journalPath = join(folder, 'meta/_journal.json')
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: unknown[] }
  journal.entries = journal.entries.slice(0, count)
  writeFileSync(journalPath, JSON.stringify(journal))
  return folder
}

/** Rows written with the foundation schema only, as an early production database held them. */
async function populateFoundation() {
  const now = Date.now()
  for (let n = 0; n < 25; n++) {
    await database.db.run(sql`insert into users (id, email, password_hash, legal_name, created_at, updated_at)
      values (${`user-${n}`}, ${`user${n}@example.com`}, 'hash', ${`User ${n}`}, ${now}, ${now})`)
    await database.db.run(sql`insert into sessions (id, user_id, token_hash, key_id, created_at, last_seen_at, idle_expires_at, expires_at)
      values (${`session-${n}`}, ${`user-${n}`}, ${`hash-${n}`}, 'k1', ${now}, ${now}, ${now + 1e6}, ${now + 1e7})`)
    await database.db.run(sql`insert into outbox_messages (id, kind, dedupe_key, to_address, subject, text_body, html_body, next_attempt_at, created_at)
      values (${`mail-${n}`}, 'verify_email', ${`k-${n}`}, ${`user${n}@example.com`}, 's', 't', 'h', ${now}, ${now})`)
  }
  await database.db.run(sql`insert into offerings (id, slug, name, issuer, description, rate_bps, rate_type, day_count, term_months, capacity_cents, min_purchase_cents, max_purchase_cents, increment_cents, opens_on, closes_on, status, created_at, updated_at)
    values ('offering-1', 'series-a', 'Series A', 'Issuer', 'A note', 500, 'simple', 'act_365f', 6, 1000000, 10000, 100000, 10000, '2026-01-01', '2026-02-01', 'open', ${now}, ${now})`)
}

async function snapshot(columns: Map<string, string[]>) {
  const rows = new Map<string, unknown[][]>()
  for (const [table, names] of columns) {
    const list = names.map((name) => `"${name}"`).join(', ')
    const result = await database.client.execute(`select ${list} from "${table}" order by rowid`)
    rows.set(
      table,
      result.rows.map((row) => Array.from(row)),
    )
  }
  return rows
}

describe('migrations on a populated database', () => {
  test('every later migration keeps every row of every table', async () => {
    await migrate(database.db, { migrationsFolder: firstMigrations(1) })
    await populateFoundation()
    const tables = Object.keys(await fingerprintDatabase(database.client)).filter(
      (table) => table !== '__drizzle_migrations',
    )
    const columns = new Map<string, string[]>()
    for (const table of tables) {
      const info = await database.client.execute(`pragma table_info("${table}")`)
      columns.set(
        table,
        info.rows.map((row) => String(row.name)),
      )
    }
    const before = await snapshot(columns)
    expect(await countPendingMigrations(database)).toBeGreaterThan(0)

    await migrate(database.db, { migrationsFolder })
    expect(await countPendingMigrations(database)).toBe(0)
    // Later migrations may add columns; every row keeps every value it had.
    expect(await snapshot(columns)).toEqual(before)
    expect(before.get('users')).toHaveLength(25)
  })
})

describe('0013, early repayment', () => {
  /** A user, a linked account and an offering, as the schema before 0013 held them. */
  async function populateBuyer() {
    await populateFoundation()
    const now = Date.now()
    await database.db.run(sql`insert into plaid_items (id, user_id, plaid_item_id, access_token, status_changed_at, created_at)
      values ('item-1', 'user-1', 'plaid-item-1', 'sealed', ${now}, ${now})`)
    await database.db.run(sql`insert into bank_accounts (id, item_id, user_id, plaid_account_id, name, type, created_at)
      values ('account-1', 'item-1', 'user-1', 'plaid-account-1', 'Checking', 'depository', ${now})`)
  }

  async function addNote(id: string, state: string, reasons: string[]) {
    const now = Date.now()
    await database.db.run(sql`insert into purchases (id, user_id, offering_id, bank_account_id, amount_cents, rate_bps, state, maturity_instruction, created_at, updated_at)
      values (${id}, 'user-1', 'offering-1', 'account-1', 100000, 500, ${state}, 'payout', ${now}, ${now})`)
    for (const [n, reason] of reasons.entries()) {
      await database.db.run(sql`insert into purchase_events (id, purchase_id, from_state, to_state, reason, created_at)
        values (${`${id}-event-${n}`}, ${id}, 'active', 'active', ${reason}, ${1_000 + n})`)
    }
  }

  test('marks notes already set to be repaid early, by the reason in their history', async () => {
    await migrate(database.db, { migrationsFolder: firstMigrations(13) })
    await populateBuyer()
    await addNote('refunded', 'active', ['refund approved: repaid on 2026-03-09, once its debit…'])
    await addNote('cancelled', 'paid', [
      'offering cancelled: repaid today with interest to date',
      'refund approved: repaid today with interest to date',
    ])
    await addNote('ordinary', 'active', [])

    await migrate(database.db, { migrationsFolder })

    const rows = await database.client.execute(
      'select id, repayment_reason, repayment_scheduled_at from purchases order by id',
    )
    expect(rows.rows.map((row) => Array.from(row))).toEqual([
      ['cancelled', 'offering_cancelled', 1_000],
      ['ordinary', null, null],
      ['refunded', 'refund', 1_000],
    ])
  })

  test('refuses a reason without its time, or one it does not know', async () => {
    await migrate(database.db, { migrationsFolder })
    await populateBuyer()
    await addNote('note', 'active', [])

    const set = async (reason: string | null, at: number | null) => {
      await database.client.execute({
        sql: "update purchases set repayment_reason = ?, repayment_scheduled_at = ? where id = 'note'",
        args: [reason, at],
      })
    }
    await expect(set('refund', null)).rejects.toThrow()
    await expect(set('whim', 1_000)).rejects.toThrow()
    await set('refund', 1_000)
  })
})
