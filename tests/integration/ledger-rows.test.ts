import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { resolve } from 'node:path'
import { checkLedger } from '@tenor/db/domain'
import {
  buyActiveNote,
  noteAtMaturity,
  readPayout,
  runWorkerJob,
  settleSentPayouts,
} from '../support/maturities.ts'
import { createPlaidTestApp, type PlaidTestApp } from '../support/plaid.ts'
import {
  addBuyer,
  addOffering,
  type Buyer,
  readPurchase,
  simulateTransfer,
} from '../support/purchases.ts'

/*
 * The ledger check reads the rows against the ledger: each case makes real history through the
 * API and the worker on a libSQL file, rewrites a row (or the ledger, with its triggers dropped)
 * as a careless script or a bad actor would, and expects the check to name what no longer agrees.
 */

const repoRoot = resolve(import.meta.dir, '../..')

let t: PlaidTestApp
let offering: Awaited<ReturnType<typeof addOffering>>
let ada: Buyer

beforeEach(async () => {
  t = await createPlaidTestApp()
  offering = await addOffering(t)
  ada = await addBuyer(t, 'ada@example.com')
})
afterEach(() => t.close())

const execute = (statement: string, args: (string | number)[] = []) =>
  t.db.database.client.execute({ sql: statement, args })
const findings = async () =>
  (await checkLedger(t.db.database.db)).map(
    (violation) => `${violation.rule}: ${violation.message}`,
  )

/** A $1,000 note whose debit settled and then came back (R01): the purchase is `returned`. */
async function returnedNote() {
  const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
  await simulateTransfer(t, note.transferId ?? '', 'returned', 'R01')
  await t.deps.syncTransfers()
  expect((await readPurchase(t, note.id)).state).toBe('returned')

  return note
}

/** A $1,000 note matured and paid: its payout's credit settled. */
async function paidNote() {
  const note = await noteAtMaturity(t, ada, offering.id)
  await runWorkerJob(t)
  expect(await settleSentPayouts(t)).toBe(1)
  expect((await readPurchase(t, note.id)).state).toBe('paid')

  return { note, payout: await readPayout(t, note.id) }
}

describe('the ledger check against the rows', () => {
  test('finds a returned purchase set back to active, whose principal the ledger reversed', async () => {
    const note = await returnedNote()
    expect(await findings()).toEqual([])

    await execute(`update purchases set state = 'active' where id = ?`, [note.id])

    expect(await findings()).toEqual([
      `reservation_mismatch: Offering ${offering.id} reserves 0 cents; its live purchases 100000`,
      `purchase_state_mismatch: Purchase ${note.id} is active but its principal stands at 0 cents, not its 100000`,
      `purchase_state_mismatch: Purchase ${note.id} is active but the ledger reversed it`,
      `purchase_state_mismatch: Purchase ${note.id} is active but its capacity was released`,
    ])
  })

  test("finds an offering's reservation above its capacity, or other than its purchases and the ledger hold", async () => {
    await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })

    await execute('update offerings set reserved_cents = 99900 where id = ?', [offering.id])
    expect(await findings()).toEqual([
      `reservation_mismatch: Offering ${offering.id} reserves 99900 cents; its live purchases 100000`,
      `reservation_mismatch: Offering ${offering.id} reserves 99900 cents; the ledger sold 100000`,
    ])

    // The table's CHECK stops this; a connection told to ignore CHECKs does not.
    await execute('pragma ignore_check_constraints = on')
    await execute('update offerings set reserved_cents = capacity_cents + 1 where id = ?', [
      offering.id,
    ])
    expect(await findings()).toEqual([
      `over_capacity: Offering ${offering.id} reserves 10000001 cents, above its 10000000 capacity`,
      `reservation_mismatch: Offering ${offering.id} reserves 10000001 cents; its live purchases 100000`,
      `reservation_mismatch: Offering ${offering.id} reserves 10000001 cents; the ledger sold 100000`,
    ])
  })

  test('finds a payout or a paid note whose state the postings do not bear out', async () => {
    const { note, payout } = await paidNote()
    expect(await findings()).toEqual([])

    await execute(`update payouts set state = 'initiated' where id = ?`, [payout.id])
    await execute(`update purchases set state = 'matured' where id = ?`, [note.id])
    expect(await findings()).toEqual([
      `purchase_state_mismatch: Purchase ${note.id} is matured but the ledger settled its payout`,
      `payout_state_mismatch: Payout ${payout.id} (round 0) is initiated but the ledger settled it`,
    ])

    await execute(`update payouts set state = 'returned' where id = ?`, [payout.id])
    await execute(`update purchases set state = 'paid' where id = ?`, [note.id])
    expect(await findings()).toEqual([
      `payout_state_mismatch: Payout ${payout.id} (round 0) is returned but the ledger never held it for the investor`,
      `held_balance_mismatch: investor:${ada.userId}:held stands at 0 cents; the held payouts add up to ${payout.amountCents}`,
    ])

    await execute(`update payouts set state = 'settled', amount_cents = 100 where id = ?`, [
      payout.id,
    ])
    expect(await findings()).toEqual([
      `payout_state_mismatch: Payout ${payout.id} (round 0) is settled but the ledger sent ${payout.amountCents} cents`,
    ])
  })

  test('finds a reversal deleted with the triggers dropped, as the rows still say returned', async () => {
    const note = await returnedNote()
    for (const table of ['ledger_transactions', 'ledger_entries']) {
      await execute(`drop trigger ${table}_no_delete`)
    }
    await execute(
      `delete from ledger_entries where transaction_id = (select id from ledger_transactions where idempotency_key = ?)`,
      [`purchase:${note.id}:reversed`],
    )
    await execute('delete from ledger_transactions where idempotency_key = ?', [
      `purchase:${note.id}:reversed`,
    ])

    expect(await findings()).toEqual([
      `closed_note_still_owed: note:${note.id}:principal stands at 100000 cents though the purchase is returned`,
      `reservation_mismatch: Offering ${offering.id} reserves 0 cents; the ledger sold 100000`,
      `purchase_state_mismatch: Purchase ${note.id} is returned but the ledger never reversed it`,
    ])
  })

  test('cannot tell a ledger rewritten with the triggers dropped while every balance still agrees', async () => {
    await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    await execute('drop trigger ledger_transactions_no_update')
    // Another date on a posting: every balance and every row reads as before.
    await execute(`update ledger_transactions set effective_date = '2026-01-01'`)

    expect(await findings()).toEqual([])
  })

  test('bun run ledger:check exits 1 and names what the tampered rows no longer agree with', async () => {
    const note = await returnedNote()
    await execute(`update purchases set state = 'active' where id = ?`, [note.id])

    const child = Bun.spawn([process.execPath, 'db/src/cli/ledger-check.ts'], {
      cwd: repoRoot,
      env: { ...process.env, APP_ENV: 'test', DATABASE_URL: t.db.url },
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const [exitCode, stdout] = await Promise.all([child.exited, new Response(child.stdout).text()])
    const summary = JSON.parse(stdout.trim()) as {
      ok: boolean
      violationCount: number
      violations: { rule: string; ref: string }[]
    }

    expect(exitCode).toBe(1)
    expect(summary).toMatchObject({ ok: false, violationCount: 4 })
    expect(summary.violations.map((v) => `${v.rule} ${v.ref}`)).toContain(
      `purchase_state_mismatch ${note.id}`,
    )
  })
})
