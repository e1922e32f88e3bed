import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { jobRuns, outboxMessages, purchases } from '@tenor/db/schema'
import { eq } from 'drizzle-orm'
import { buyNoteRollingInto, readRolledNote, runWorkerJob } from '../support/maturities.ts'
import { createPlaidTestApp, type PlaidTestApp } from '../support/plaid.ts'
import {
  addBuyer,
  addOffering,
  buy,
  expectLedgerClean,
  readPurchase,
  simulateTransfer,
} from '../support/purchases.ts'
import { signUpAdmin } from '../support/users.ts'

let t: PlaidTestApp
let admin: { token: string }

beforeEach(async () => {
  t = await createPlaidTestApp()
  admin = await signUpAdmin(t, 'admin@example.com')
})
afterEach(() => t.close())

async function purchaseId(res: Response): Promise<string> {
  return ((await res.json()) as { purchase: { id: string } }).purchase.id
}

describe('admin purchases', () => {
  test('searches by offering, investor, state and amount, and shows one purchase in full', async () => {
    const offering = await addOffering(t)
    const ada = await addBuyer(t, 'ada@example.com')
    const bob = await addBuyer(t, 'bob@example.com')
    const first = await purchaseId(
      await buy(t, ada, { offeringId: offering.id, amountCents: 50_000 }),
    )
    await buy(t, bob, { offeringId: offering.id, amountCents: 75_000 })

    const byEmail = await t.request('/admin/purchases?email=ADA@example.com', {
      token: admin.token,
    })
    const found = (await byEmail.json()) as { purchases: { id: string; investorEmail: string }[] }
    expect(found.purchases.map((p) => p.id)).toEqual([first])
    // Part of an address finds it; a wildcard typed is matched as itself.
    const emailsFor = async (part: string) => {
      const res = await t.request(`/admin/purchases?email=${encodeURIComponent(part)}`, {
        token: admin.token,
      })
      return ((await res.json()) as { purchases: { investorEmail: string }[] }).purchases.map(
        (p) => p.investorEmail,
      )
    }
    expect(await emailsFor('ADA')).toEqual(['ada@example.com'])
    expect(await emailsFor('%')).toEqual([])

    const byAmount = await t.request('/admin/purchases?minCents=60000', { token: admin.token })
    const big = (await byAmount.json()) as { purchases: { investorEmail: string }[] }
    expect(big.purchases.map((p) => p.investorEmail)).toEqual(['bob@example.com'])

    const row = await readPurchase(t, first)
    await simulateTransfer(t, row.transferId ?? '', 'posted')
    await simulateTransfer(t, row.transferId ?? '', 'settled')
    await t.deps.syncTransfers()

    const detail = await t.request(`/admin/purchases/${first}`, { token: admin.token })
    const body = (await detail.json()) as {
      purchase: { state: string }
      history: { toState: string }[]
      transferEvents: { eventType: string; transferId: string }[]
      ledger: { kind: string; debitCents: number; creditCents: number }[]
    }
    expect(body.purchase.state).toBe('active')
    expect(body.history.map((h) => h.toState)).toEqual([
      'initiated',
      'pending',
      'processing',
      'active',
    ])
    expect(body.transferEvents.map((e) => [e.eventType, e.transferId])).toEqual(
      ['pending', 'posted', 'settled'].map((type) => [type, row.transferId ?? '']),
    )
    const debits = body.ledger.reduce((n, e) => n + e.debitCents, 0)
    const credits = body.ledger.reduce((n, e) => n + e.creditCents, 0)
    expect(debits).toBe(credits)
    expect(body.ledger.map((e) => e.kind)).toContain('purchase_settled')
    await expectLedgerClean(t)
  })

  test('GET /admin/purchases/:id shows a rolled-over note the posting that credited its principal', async () => {
    const offering = await addOffering(t)
    const series = await addOffering(t, { name: 'Tenor Note Series B', closesOn: '2026-12-31' })
    const ada = await addBuyer(t, 'ada@example.com')
    const note = await buyNoteRollingInto(t, ada, { offeringId: offering.id, rollTo: series.slug })
    t.clock.set(new Date('2026-09-02T14:00:00Z'))
    await runWorkerJob(t)
    const rolled = await readRolledNote(t, note.id)
    // Months have passed: the first admin's session has ended.
    const later = await signUpAdmin(t, 'later-admin@example.com')

    const res = await t.request(`/admin/purchases/${rolled?.id}`, { token: later.token })

    expect(res.status).toBe(200)
    const { ledger } = (await res.json()) as {
      ledger: { kind: string; account: string; debitCents: number; creditCents: number }[]
    }
    expect(ledger).toContainEqual(
      expect.objectContaining({
        kind: 'rollover',
        account: `note:${rolled?.id}:principal`,
        creditCents: 104_033,
      }),
    )
    // The whole posting, so it reads where the money came from and still balances.
    expect(ledger).toContainEqual(
      expect.objectContaining({ kind: 'rollover', account: `note:${note.id}:principal` }),
    )
    const debits = ledger.reduce((n, e) => n + e.debitCents, 0)
    expect(ledger.reduce((n, e) => n + e.creditCents, 0)).toBe(debits)
  })

  test('GET /admin/users/:id names the offering of each holding and when it was bought', async () => {
    const offering = await addOffering(t, { name: 'Series Q 6-Month Note' })
    const ada = await addBuyer(t, 'ada@example.com')
    await buy(t, ada, { offeringId: offering.id, amountCents: 50_000 })

    const res = await t.request(`/admin/users/${ada.userId}`, { token: admin.token })
    expect(res.status).toBe(200)
    const { holdings } = (await res.json()) as { holdings: { offeringName: string }[] }
    expect(holdings).toEqual([
      expect.objectContaining({
        offeringName: 'Series Q 6-Month Note',
        createdAt: t.clock.now().toISOString(),
      }),
    ])
  })

  test('searches by business day: a purchase late in the New York evening is on that day', async () => {
    const offering = await addOffering(t)
    const ada = await addBuyer(t, 'ada@example.com')
    const late = await purchaseId(
      await buy(t, ada, { offeringId: offering.id, amountCents: 50_000 }),
    )
    // Made at 22:30 in New York on March 2, which is already March 3 in UTC.
    await t.db.database.db
      .update(purchases)
      .set({ createdAt: new Date('2026-03-03T03:30:00Z') })
      .where(eq(purchases.id, late))
    const onDay = async (day: string) => {
      const res = await t.request(`/admin/purchases?from=${day}&to=${day}`, { token: admin.token })
      return ((await res.json()) as { purchases: { id: string }[] }).purchases.map((p) => p.id)
    }
    expect(await onDay('2026-03-02')).toEqual([late])
    expect(await onDay('2026-03-03')).toEqual([])
    const far = await t.request('/admin/purchases?from=9999-12-31', { token: admin.token })
    expect(far.status).toBe(422)
  })

  test('exports CSV in dollars and percent, with spreadsheet formulas defused', async () => {
    const offering = await addOffering(t, { name: '=cmd|calc' })
    const ada = await addBuyer(t, 'ada@example.com')
    await buy(t, ada, { offeringId: offering.id, amountCents: 50_000 })
    const res = await t.request('/admin/purchases.csv', { token: admin.token })
    expect(res.headers.get('content-type')).toContain('text/csv')
    const csv = await res.text()
    const [header, row] = csv.split('\r\n')
    expect(header).toBe(
      'purchase_id,investor_email,offering,amount_usd,rate_percent,state,settled_on,maturity_date,repaid_early,failure_code,created_at',
    )
    expect(row).toContain(",'=cmd|calc,500.00,8.00,")
    expect(csv).not.toContain(',=cmd')
  })

  test('marks a note Tenor repays early, whose maturity_date is its repayment date', async () => {
    const offering = await addOffering(t)
    const ada = await addBuyer(t, 'ada@example.com')
    const id = await purchaseId(await buy(t, ada, { offeringId: offering.id, amountCents: 50_000 }))
    await t.db.database.db
      .update(purchases)
      .set({
        state: 'active',
        maturityDate: '2026-03-09',
        repaymentReason: 'refund',
        repaymentScheduledAt: new Date(),
      })
      .where(eq(purchases.id, id))

    const csv = await (await t.request('/admin/purchases.csv', { token: admin.token })).text()

    const row = csv.split('\r\n').find((line) => line.startsWith(id))
    expect(row).toContain(',active,')
    expect(row).toContain(',2026-03-09,refund,')
  })

  test('leaves maturity_date empty for a purchase undone after its debit settled', async () => {
    const offering = await addOffering(t)
    const ada = await addBuyer(t, 'ada@example.com')
    const id = await purchaseId(await buy(t, ada, { offeringId: offering.id, amountCents: 50_000 }))
    await t.db.database.db
      .update(purchases)
      .set({ state: 'returned', settledOn: '2026-03-03', maturityDate: '2026-09-03' })
      .where(eq(purchases.id, id))

    const csv = await (await t.request('/admin/purchases.csv', { token: admin.token })).text()

    const row = csv.split('\r\n').find((line) => line.startsWith(id))
    expect(row).toContain(',returned,2026-03-03,,')
    expect(row).not.toContain('2026-09-03')
  })

  test('exports every matching purchase, newest first, across many pages of reads', async () => {
    const offering = await addOffering(t)
    const ada = await addBuyer(t, 'ada@example.com')
    const first = await purchaseId(
      await buy(t, ada, { offeringId: offering.id, amountCents: 50_000 }),
    )
    const [original] = await t.db.database.db
      .select()
      .from(purchases)
      .where(eq(purchases.id, first))
    if (!original) throw new Error('purchase not stored')
    // Copies in groups of seven sharing an instant, so pages end in the middle of a tie.
    const base = Date.UTC(2025, 2, 2, 15)
    const copies = Array.from({ length: 1_234 }, (_, i) => ({
      ...original,
      id: `copy-${String(i).padStart(5, '0')}`,
      authorizationId: null,
      transferId: null,
      createdAt: new Date(base + Math.floor(i / 7) * 1000),
    }))
    for (let i = 0; i < copies.length; i += 200) {
      await t.db.database.db.insert(purchases).values(copies.slice(i, i + 200))
    }

    const res = await t.request('/admin/purchases.csv', { token: admin.token })
    expect(res.status).toBe(200)
    const lines = (await res.text()).split('\r\n')
    expect(lines.at(-1)).toBe('')
    const ids = lines.slice(1, -1).map((line) => line.split(',')[0])
    expect(ids).toHaveLength(1_235)
    expect(new Set(ids).size).toBe(1_235)
    // The real purchase, made today, is newest; the copies follow by instant, then by id, both descending.
    const expected = copies
      .toSorted((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .map((copy) => copy.id)
    expect(ids).toEqual([first, ...expected])

    // Filters hold on every page.
    const narrowed = await t.request('/admin/purchases.csv?to=2025-03-02', { token: admin.token })
    const narrowedIds = (await narrowed.text()).split('\r\n').slice(1, -1)
    expect(narrowedIds).toHaveLength(1_234)
    const limited = await t.request('/admin/purchases.csv?limit=5', { token: admin.token })
    expect((await limited.text()).split('\r\n').slice(1, -1)).toHaveLength(5)
  })

  test('the operations page shows worker runs, banks needing reconnection and payout funding', async () => {
    const res = await t.request('/admin/operations', { token: admin.token })
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      payoutFunding: { plaidLedgerAvailableCents: number | null; shortfallCents: number | null }
      outbox: { pending: number }
    }
    expect(body.payoutFunding.plaidLedgerAvailableCents).toBeGreaterThan(0)
    expect(body.payoutFunding.shortfallCents).toBe(0)
    expect(body.outbox.pending).toBeGreaterThan(0)
  })

  test('the operations page lists emails that failed or Postmark suppressed, not ones withdrawn', async () => {
    const email = (id: string, status: 'failed' | 'suppressed', lastError: string | null) => ({
      id,
      kind: 'payout_returned',
      dedupeKey: id,
      toAddress: 'ada@example.com',
      subject: 'Subject',
      textBody: 'Text',
      htmlBody: '<p>Text</p>',
      status,
      lastError,
      nextAttemptAt: new Date(),
    })
    await t.db.database.db
      .insert(outboxMessages)
      .values([
        email('bounced', 'failed', 'Postmark 422: invalid address'),
        email('inactive', 'suppressed', 'Postmark: recipient inactive'),
        email('withdrawn', 'suppressed', null),
      ])
    const res = await t.request('/admin/operations', { token: admin.token })
    const { outbox } = (await res.json()) as { outbox: { failed: { id: string }[] } }
    expect(outbox.failed.map((row) => row.id).sort()).toEqual(['bounced', 'inactive'])
  })

  test('worker runs show each job once, at its latest run, and the failures', async () => {
    const at = (minutes: number) => new Date(Date.UTC(2026, 2, 2, 15, minutes))
    const run = (job: string, minutes: number, outcome: 'succeeded' | 'failed') => ({
      id: `${job}-${minutes}`,
      job,
      startedAt: at(minutes),
      finishedAt: at(minutes),
      outcome,
    })
    await t.db.database.db
      .insert(jobRuns)
      .values([
        ...Array.from({ length: 60 }, (_, i) => run('transfer-sync', i, 'succeeded')),
        run('maturities', 5, 'failed'),
        run('maturities', 30, 'succeeded'),
      ])
    const res = await t.request('/admin/operations', { token: admin.token })
    const { workerRuns } = (await res.json()) as {
      workerRuns: { job: string; outcome: string; startedAt: string }[]
    }
    expect(workerRuns.map((r) => `${r.job} ${r.outcome} ${r.startedAt}`)).toEqual([
      `transfer-sync succeeded ${at(59).toISOString()}`,
      `maturities succeeded ${at(30).toISOString()}`,
      `maturities failed ${at(5).toISOString()}`,
    ])
  })
})
