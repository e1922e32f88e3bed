import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { accountBalance, accounts } from '@tenor/db/domain'
import { bankAccounts, outboxMessages } from '@tenor/db/schema'
import { and, eq } from 'drizzle-orm'
import {
  buyActiveNote,
  creditsAtPlaid,
  heldMoneyInReview,
  linkAnotherBank,
  mailOfKind,
  noteAtMaturity,
  readPayout,
  runWorkerJob,
  settleSentPayouts,
  signInAgain,
} from '../support/maturities.ts'
import type { PlaidTestApp } from '../support/plaid.ts'
import {
  addBuyer,
  type Buyer,
  expectLedgerClean,
  readBankAccount,
  readPurchase,
  simulateTransfer,
} from '../support/purchases.ts'
import { type Offering, openScene } from '../support/scene.ts'
import { signUpAdmin } from '../support/users.ts'

let t: PlaidTestApp
let offering: Offering
let ada: Buyer
beforeEach(async () => {
  ;({ t, offering, ada } = await openScene())
})
afterEach(() => t.close())

const balance = (code: string) => accountBalance(t.db.database.db, code)

/** A $1,000 note that matures today, 2026-09-02, paying $1,040.33. */
const maturedNote = () => noteAtMaturity(t, ada, offering.id)

const closeAccount = () =>
  t.db.database.db
    .update(bankAccounts)
    .set({ status: 'closed' })
    .where(eq(bankAccounts.id, ada.bankAccountId))

describe('returned payouts', () => {
  test('a returned credit goes to the held balance and asks for a new bank', async () => {
    const note = await maturedNote()
    await runWorkerJob(t)
    const { transferId } = await readPayout(t, note.id)
    await simulateTransfer(t, transferId ?? '', 'posted')
    await simulateTransfer(t, transferId ?? '', 'returned', 'R02')
    await t.deps.syncTransfers()

    expect(await readPayout(t, note.id)).toMatchObject({ state: 'returned', failureCode: 'R02' })
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'matured' })
    expect(await balance(accounts.investorHeld(ada.userId))).toBe(104_033)
    expect(await balance(accounts.achPayable)).toBe(0)
    expect((await readBankAccount(t, ada.bankAccountId)).status).toBe('closed')
    const asked = await mailOfKind(t, ada.email, 'payout_returned')
    expect(asked).toHaveLength(1)
    expect(asked[0]?.text).toContain('account is closed')
    expect(asked[0]?.text).toContain('http://tenor.test/banks')
    // Administrators see the money held, whose it is and why, on the operations page.
    const admin = await signUpAdmin(t, 'ops@example.com')
    const ops = await t.request('/admin/operations', { token: admin.token })
    const { heldPayouts, heldPayoutsTotal } = (await ops.json()) as {
      heldPayouts: { purchaseId: string; investorEmail: string; amountCents: number }[]
      heldPayoutsTotal: { count: number; amountCents: number }
    }
    expect(heldPayoutsTotal).toEqual({ count: 1, amountCents: 104_033 })
    expect(heldPayouts).toEqual([
      expect.objectContaining({
        purchaseId: note.id,
        investorEmail: ada.email,
        amountCents: 104_033,
        reason: expect.stringContaining('account is closed'),
      }),
    ])
    await expectLedgerClean(t)
  })

  test('a credit returned after it settled comes back from our bank to the held balance', async () => {
    const note = await maturedNote()
    await runWorkerJob(t)
    await settleSentPayouts(t)
    const { transferId } = await readPayout(t, note.id)
    const cashAfterPayout = await balance(accounts.fboCash)
    await simulateTransfer(t, transferId ?? '', 'returned', 'R03')
    await t.deps.syncTransfers()

    expect(await readPayout(t, note.id)).toMatchObject({ state: 'returned', failureCode: 'R03' })
    expect(await balance(accounts.fboCash)).toBe(cashAfterPayout + 104_033)
    expect(await balance(accounts.investorHeld(ada.userId))).toBe(104_033)
    expect(await mailOfKind(t, ada.email, 'payout_returned')).toHaveLength(1)
    // The portfolio counts it as held for the investor, not as a note already paid.
    const { token } = await signInAgain(t, ada)
    const { portfolio } = (await (await t.request('/portfolio', { token })).json()) as {
      portfolio: { heldCents: number; totals: { endedInterestCents: number } }
    }
    expect(portfolio.heldCents).toBe(104_033)
    expect(portfolio.totals.endedInterestCents).toBe(0)
    await expectLedgerClean(t)
  })

  test('a bank account that can no longer receive money holds the payout at once', async () => {
    const note = await maturedNote()
    await closeAccount()

    const run = await runWorkerJob(t)

    expect(run.counts).toMatchObject({ payoutsHeld: 1 })
    expect(t.plaid.calls('/transfer/authorization/create')).toHaveLength(0)
    expect(await readPayout(t, note.id)).toMatchObject({
      state: 'failed',
      failureCode: 'ACCOUNT_UNUSABLE',
    })
    expect(await balance(accounts.investorHeld(ada.userId))).toBe(104_033)
    expect(await mailOfKind(t, ada.email, 'payout_returned')).toHaveLength(1)
    await expectLedgerClean(t)
  })

  test('a note paid from an account that reported another debit unauthorized is withheld for review', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    const disputed = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 50_000 })
    await simulateTransfer(t, disputed.transferId ?? '', 'returned', 'R10')
    await t.deps.syncTransfers()
    expect((await readBankAccount(t, ada.bankAccountId)).status).toBe('unauthorized')
    t.clock.set(new Date('2026-09-02T14:00:00Z'))

    const run = await runWorkerJob(t)

    // Its account holder may yet dispute this debit too: paid back now, it could be paid twice;
    // paid anywhere else, it would go to whoever linked the account.
    expect(run.counts).toMatchObject({ payoutsSent: 0, payoutsHeld: 0, payoutsWithheld: 1 })
    expect(await readPayout(t, note.id)).toMatchObject({
      state: 'initiated',
      authorizationId: null,
      failureCode: 'FUNDING_IN_DOUBT',
    })
    expect(await creditsAtPlaid(t)).toEqual([])
    const withheldEvent =
      'payout withheld: the money that paid for the note is in doubt; needs review'
    expect(run.lines.filter((line) => line.event === withheldEvent)).toHaveLength(1)
    // Said once for a person to act on; later runs still withhold it, and only note it.
    const later = await runWorkerJob(t)
    expect(later.counts).toMatchObject({ payoutsSent: 0, payoutsWithheld: 1 })
    expect(later.lines.filter((line) => line.level === 'error')).toEqual([])
    expect(later.lines.map((line) => line.event)).toContain('payout still withheld for review')
    const stillWaiting = 'payouts withheld for review still wait for a person'
    expect(run.lines.map((line) => line.event)).not.toContain(stillWaiting)
    expect(later.lines.find((line) => line.event === stillWaiting)).toMatchObject({
      level: 'warn',
      withheld: 1,
    })
    expect(await creditsAtPlaid(t)).toEqual([])
    const { token } = await signInAgain(t, ada)
    const page = await t.request(`/purchases/${note.id}`, { token })
    expect(await page.json()).toMatchObject({ purchase: { payment: { stage: 'in_review' } } })
    // The console says so too.
    const admin = await signUpAdmin(t, 'admin@example.com')
    const consoleView = await t.request(`/admin/purchases/${note.id}`, { token: admin.token })
    expect(await consoleView.json()).toMatchObject({
      payment: { stage: 'in_review', amountCents: 104_033 },
    })
    await expectLedgerClean(t)
  })

  test('removing the bank a disputed account belongs to does not send its notes elsewhere', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    const disputed = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 50_000 })
    const { token } = await signInAgain(t, ada)
    const { itemId } = await readBankAccount(t, ada.bankAccountId)
    const removed = await t.request(`/banks/${itemId}`, { method: 'DELETE', json: {}, token })
    expect(removed.status).toBe(200)
    // The dispute arrives after the bank was removed: the account is still known as disputed.
    await simulateTransfer(t, disputed.transferId ?? '', 'returned', 'R10')
    await t.deps.syncTransfers()
    t.clock.set(new Date('2026-09-02T14:00:00Z'))
    await runWorkerJob(t)
    expect(await readPayout(t, note.id)).toMatchObject({ state: 'initiated' })

    const newAccountId = await linkAnotherBank(t, ada, 'ins_109511')
    const chosen = await t.request(`/purchases/${note.id}/payment/resend`, {
      json: { bankAccountId: newAccountId },
      token: (await signInAgain(t, ada)).token,
    })
    expect(chosen.status).toBe(409)
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsSent: 0, payoutsResent: 0 })
    expect(await readPayout(t, note.id)).toMatchObject({
      state: 'initiated',
      bankAccountId: ada.bankAccountId,
    })
    expect(await creditsAtPlaid(t)).toEqual([])
    await expectLedgerClean(t)
  })

  test('the same account linked again is the same account: a dispute through either link holds both', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    const { token } = await signInAgain(t, ada)
    const { itemId } = await readBankAccount(t, ada.bankAccountId)
    expect(
      (await t.request(`/banks/${itemId}`, { method: 'DELETE', json: {}, token })).status,
    ).toBe(200)
    // The same bank and accounts again, through a new connection: new rows.
    const again = await linkAnotherBank(t, ada, 'ins_109508')
    expect(again).not.toBe(ada.bankAccountId)
    const disputed = await buyActiveNote(
      t,
      { ...ada, bankAccountId: again, token: (await signInAgain(t, ada)).token },
      { offeringId: offering.id, amountCents: 50_000 },
    )
    await simulateTransfer(t, disputed.transferId ?? '', 'returned', 'R10')
    await t.deps.syncTransfers()

    // The first note, paid through the first link, is in review too.
    t.clock.set(new Date('2026-09-02T14:00:00Z'))
    await runWorkerJob(t)
    expect(await readPayout(t, note.id)).toMatchObject({
      state: 'initiated',
      authorizationId: null,
    })
    expect(await creditsAtPlaid(t)).toEqual([])
    const portfolio = await t.request('/portfolio', { token: (await signInAgain(t, ada)).token })
    expect(await portfolio.json()).toMatchObject({
      portfolio: { inReviewCents: 104_033, heldCents: 0 },
    })

    // Linked a third time, the account comes in marked, and funds nothing.
    const { itemId: secondItem } = await readBankAccount(t, again)
    const removed = await t.request(`/banks/${secondItem}`, {
      method: 'DELETE',
      json: {},
      token: (await signInAgain(t, ada)).token,
    })
    expect(removed.status).toBe(200)
    const third = await linkAnotherBank(t, ada, 'ins_109508')
    expect((await readBankAccount(t, third)).status).toBe('unauthorized')
    await expectLedgerClean(t)
  })

  test('a refund of a note from a disputed account says its payout waits for review', async () => {
    const note = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 100_000 })
    const disputed = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 50_000 })
    await simulateTransfer(t, disputed.transferId ?? '', 'returned', 'R10')
    await t.deps.syncTransfers()
    const maker = await signUpAdmin(t, 'maker@example.com')
    const checker = await signUpAdmin(t, 'checker@example.com')
    const asked = await t.request(`/admin/purchases/${note.id}/refund`, {
      json: { reason: 'Investor asked.' },
      token: maker.token,
    })
    const { approvalId } = (await asked.json()) as { approvalId: string }

    const approved = await t.request(`/admin/approvals/${approvalId}/approve`, {
      json: {},
      token: checker.token,
    })

    expect(((await approved.json()) as { result: string }).result).toEndWith(
      '; its payout waits for review, as a debit from the account that paid for it came back',
    )
    const [email] = await mailOfKind(t, ada.email, 'early_repayment')
    expect(email?.text).toContain('once our team has reviewed it')
    expect(email?.text).not.toContain('to your bank account.')
  })

  test('an account removed after a dispute keeps saying so', async () => {
    const disputed = await buyActiveNote(t, ada, { offeringId: offering.id, amountCents: 50_000 })
    await simulateTransfer(t, disputed.transferId ?? '', 'returned', 'R10')
    await t.deps.syncTransfers()
    const { token } = await signInAgain(t, ada)
    const { itemId } = await readBankAccount(t, ada.bankAccountId)

    expect(
      (await t.request(`/banks/${itemId}`, { method: 'DELETE', json: {}, token })).status,
    ).toBe(200)

    expect((await readBankAccount(t, ada.bankAccountId)).status).toBe('unauthorized')
  })

  test('held money of a note whose account then reported a debit unauthorized waits for review', async () => {
    const note = await heldMoneyInReview(t, ada, offering.id)
    expect(await readPayout(t, note.id)).toMatchObject({ state: 'returned' })

    await linkAnotherBank(t, ada, 'ins_109511')

    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsResent: 0 })
    expect(await readPayout(t, note.id)).toMatchObject({ state: 'returned', resends: 0 })
    const { token } = await signInAgain(t, ada)
    const page = await t.request(`/purchases/${note.id}`, { token })
    expect(await page.json()).toMatchObject({ purchase: { payment: { stage: 'in_review' } } })
    await expectLedgerClean(t)
  })

  test('an account closed after the authorization holds the money only if no credit was made', async () => {
    const note = await maturedNote()
    t.plaid.injectFault({ path: '/transfer/create', mode: 'error500', times: 3 })
    await runWorkerJob(t)
    expect((await readPayout(t, note.id)).authorizationId).not.toBeNull()
    await closeAccount()

    await runWorkerJob(t)

    expect(t.plaid.calls('/transfer/get').length).toBeGreaterThan(0)
    expect(await readPayout(t, note.id)).toMatchObject({ state: 'failed', authorizationId: null })
    expect(await creditsAtPlaid(t)).toHaveLength(0)
    expect(await balance(accounts.investorHeld(ada.userId))).toBe(104_033)
    await expectLedgerClean(t)
  })

  test('a credit already made before the account closed is followed, not held', async () => {
    const note = await maturedNote()
    t.plaid.injectFault({ path: '/transfer/create', mode: 'lost_reply', times: 3 })
    await runWorkerJob(t)
    await closeAccount()

    await runWorkerJob(t)

    expect(await readPayout(t, note.id)).toMatchObject({ state: 'pending' })
    expect(await creditsAtPlaid(t)).toHaveLength(1)
    expect(await balance(accounts.investorHeld(ada.userId))).toBe(0)
    await settleSentPayouts(t)
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'paid' })
  })
})

describe('held money sent again', () => {
  async function returnCredit(purchaseId: string, code: string) {
    const { transferId } = await readPayout(t, purchaseId)
    await simulateTransfer(t, transferId ?? '', 'posted')
    await simulateTransfer(t, transferId ?? '', 'returned', code)
    await t.deps.syncTransfers()
  }

  /** The payment as the investor's purchase page reads it. */
  async function paymentOf(purchaseId: string) {
    const { token } = await signInAgain(t, ada)
    const res = await t.request(`/purchases/${purchaseId}`, { token })
    expect(res.status).toBe(200)
    const { purchase } = (await res.json()) as {
      purchase: { payment: { stage: string; bankAccountId: string | null; reason: string | null } }
    }
    return purchase.payment
  }

  /** What the note's history says became of its payment after it was first sent. */
  async function paymentSteps(purchaseId: string): Promise<string[]> {
    const { token } = await signInAgain(t, ada)
    const res = await t.request(`/purchases/${purchaseId}`, { token })
    const { purchase } = (await res.json()) as {
      purchase: { paymentHistory: { event: string }[] }
    }
    return purchase.paymentHistory.map((step) => step.event)
  }

  /**
   * What the portfolio says is held, whether its history marks the note's payment held, and
   * what it still counts as to be paid out.
   */
  async function heldInPortfolio(purchaseId: string) {
    const { token } = await signInAgain(t, ada)
    const res = await t.request('/portfolio', { token })
    const { portfolio } = (await res.json()) as {
      portfolio: {
        heldCents: number
        inReviewCents: number
        history: { id: string; paymentHeld: boolean; paymentInReview: boolean }[]
        holdings: { purchaseId: string }[]
        totals: { expectedPayoutCents: number }
      }
    }
    const entry = portfolio.history.find((h) => h.id === purchaseId)
    return {
      heldCents: portfolio.heldCents,
      inReviewCents: portfolio.inReviewCents,
      paymentHeld: entry?.paymentHeld,
      paymentInReview: entry?.paymentInReview,
      holdings: portfolio.holdings.length,
      expectedPayoutCents: portfolio.totals.expectedPayoutCents,
    }
  }

  test('goes to a bank linked after it came back, once, and the note is paid', async () => {
    const note = await maturedNote()
    await runWorkerJob(t)
    expect(await paymentOf(note.id)).toMatchObject({ stage: 'on_its_way', reason: null })
    expect(await heldInPortfolio(note.id)).toMatchObject({ heldCents: 0, holdings: 1 })
    await returnCredit(note.id, 'R02')
    expect(await paymentOf(note.id)).toMatchObject({
      stage: 'held',
      bankAccountId: ada.bankAccountId,
      reason: 'your bank says this account is closed (bank return code R02).',
    })
    // Came back before it settled, so the note is still matured: counted once, as held money.
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'matured' })
    expect(await heldInPortfolio(note.id)).toEqual({
      heldCents: 104_033,
      inReviewCents: 0,
      paymentHeld: true,
      paymentInReview: false,
      holdings: 0,
      expectedPayoutCents: 0,
    })

    // Nothing new linked: the money stays held, however often the job runs.
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsResent: 0 })
    expect(await readPayout(t, note.id)).toMatchObject({ state: 'returned' })

    const newAccountId = await linkAnotherBank(t, ada, 'ins_109511')
    const run = await runWorkerJob(t)
    expect(run.counts).toMatchObject({ payoutsResent: 1, payoutsSent: 1 })
    const resent = await readPayout(t, note.id)
    expect(resent).toMatchObject({ state: 'pending', bankAccountId: newAccountId, resends: 1 })
    expect(resent.idempotencyKey).toEndWith(':2')
    // Told where the money goes now, by bank, kind and last digits only.
    const [resentMail, ...more] = await mailOfKind(t, ada.email, 'payout_resent')
    expect(more).toHaveLength(0)
    expect(resentMail?.subject).toMatch(
      /^Your \$1,040\.33 payout is on its way to your .+ checking ending \d{4}$/,
    )
    expect(resentMail?.text).toContain('You linked a new account')
    expect(await paymentOf(note.id)).toMatchObject({
      stage: 'on_its_way',
      bankAccountId: newAccountId,
    })
    expect(await creditsAtPlaid(t)).toHaveLength(2)
    expect(await balance(accounts.investorHeld(ada.userId))).toBe(0)
    expect(await balance(accounts.achPayable)).toBe(104_033)
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsResent: 0, payoutsSent: 0 })

    await settleSentPayouts(t)
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'paid' })
    expect(await paymentOf(note.id)).toMatchObject({ stage: 'paid', reason: null })
    // Its first settlement is the note's own "paid" step: only the return is added.
    expect(await paymentSteps(note.id)).toEqual(['returned'])
    expect(await balance(accounts.achPayable)).toBe(0)
    // It says where the money arrived: the account it was sent to this time.
    const paid = await mailOfKind(t, ada.email, 'maturity_paid')
    expect(paid).toHaveLength(1)
    expect(paid[0]?.text).toMatch(/has settled in your .+ (checking|savings) ending \d{4}\./)
    await expectLedgerClean(t)
  })

  test('comes back again to the held balance, and goes out again to the next new bank', async () => {
    const note = await maturedNote()
    await runWorkerJob(t)
    await settleSentPayouts(t)
    const cashAfterFirst = await balance(accounts.fboCash)
    await simulateTransfer(t, (await readPayout(t, note.id)).transferId ?? '', 'returned', 'R03')
    await t.deps.syncTransfers()
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'paid' })
    // Paid once, then sent back: the investor sees it held, not paid.
    expect(await paymentOf(note.id)).toMatchObject({ stage: 'held' })
    expect(await heldInPortfolio(note.id)).toMatchObject({ heldCents: 104_033, paymentHeld: true })

    await linkAnotherBank(t, ada, 'ins_109511')
    await runWorkerJob(t)
    await returnCredit(note.id, 'R02')
    expect(await readPayout(t, note.id)).toMatchObject({ state: 'returned', resends: 1 })
    expect(await balance(accounts.investorHeld(ada.userId))).toBe(104_033)
    expect(await mailOfKind(t, ada.email, 'payout_returned')).toHaveLength(2)

    const lastAccountId = await linkAnotherBank(t, ada, 'ins_109510')
    await runWorkerJob(t)
    expect(await readPayout(t, note.id)).toMatchObject({
      state: 'pending',
      bankAccountId: lastAccountId,
      resends: 2,
    })
    // Each round sent again is told once.
    expect(await mailOfKind(t, ada.email, 'payout_resent')).toHaveLength(2)
    await settleSentPayouts(t)

    expect(await readPayout(t, note.id)).toMatchObject({ state: 'settled' })
    expect(await balance(accounts.investorHeld(ada.userId))).toBe(0)
    expect(await heldInPortfolio(note.id)).toMatchObject({ heldCents: 0, paymentHeld: false })
    // Paid once in all: the first settlement came back, the last one stayed.
    expect(await balance(accounts.fboCash)).toBe(cashAfterFirst)
    expect(await creditsAtPlaid(t)).toHaveLength(3)
    expect(await paymentSteps(note.id)).toEqual(['returned', 'returned', 'paid_again'])
    await expectLedgerClean(t)
  })

  test('goes where the investor chooses, an account they already had included', async () => {
    const note = await maturedNote()
    await runWorkerJob(t)
    const { token } = await signInAgain(t, ada)
    const choose = (bankAccountId: string, as = token) =>
      t.request(`/purchases/${note.id}/payment/resend`, { json: { bankAccountId }, token: as })
    expect((await choose(ada.bankAccountId)).status).toBe(409)
    await returnCredit(note.id, 'R02')

    // The account that sent it back is closed now; the savings account beside it is not.
    const closed = await choose(ada.bankAccountId)
    expect(closed.status).toBe(422)
    expect(await closed.json()).toMatchObject({ error: { code: 'bank_account_unusable' } })
    const [savings] = await t.db.database.db
      .select({ id: bankAccounts.id })
      .from(bankAccounts)
      .where(and(eq(bankAccounts.userId, ada.userId), eq(bankAccounts.subtype, 'savings')))
    if (!savings) throw new Error('no savings account linked')
    const bob = await addBuyer(t, 'bob@example.com')
    expect((await choose(savings.id, bob.token)).status).toBe(404)
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsResent: 0 })

    const returnedNotice = async () =>
      (
        await t.db.database.db
          .select({ status: outboxMessages.status })
          .from(outboxMessages)
          .where(eq(outboxMessages.kind, 'payout_returned'))
      ).map((row) => row.status)
    expect(await returnedNotice()).toEqual(['pending'])

    const chosen = await choose(savings.id)
    expect(chosen.status).toBe(200)
    // Not yet sent when the investor chose: asking them to choose an account would be stale.
    expect(await returnedNotice()).toEqual(['suppressed'])
    expect(await chosen.json()).toMatchObject({
      purchase: { payment: { stage: 'sending', bankAccountId: savings.id } },
    })
    expect((await choose(savings.id)).status).toBe(409)
    const told = await mailOfKind(t, ada.email, 'payout_resent')
    expect(told.map((mail) => mail.subject)).toEqual([
      expect.stringMatching(/on its way to your .+ savings ending \d{4}$/),
    ])
    expect(told[0]?.text).toContain('As you asked')
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsResent: 0, payoutsSent: 1 })
    await settleSentPayouts(t)
    expect(await readPurchase(t, note.id)).toMatchObject({ state: 'paid' })
    expect(await balance(accounts.investorHeld(ada.userId))).toBe(0)
    await expectLedgerClean(t)
  })

  test('stays held for review, not sent again, once the debit that bought the note came back', async () => {
    const note = await maturedNote()
    await runWorkerJob(t)
    await returnCredit(note.id, 'R02')
    await simulateTransfer(t, note.transferId ?? '', 'returned', 'R10')
    await t.deps.syncTransfers()
    const { token } = await signInAgain(t, ada)
    const [savings] = await t.db.database.db
      .select({ id: bankAccounts.id })
      .from(bankAccounts)
      .where(and(eq(bankAccounts.userId, ada.userId), eq(bankAccounts.subtype, 'savings')))
    if (!savings) throw new Error('no savings account linked')

    const chosen = await t.request(`/purchases/${note.id}/payment/resend`, {
      json: { bankAccountId: savings.id },
      token,
    })
    expect(chosen.status).toBe(409)
    expect(await chosen.json()).toMatchObject({ error: { code: 'payment_in_review' } })
    // Nor is it sent to a bank linked afterwards.
    await linkAnotherBank(t, ada, 'ins_109510')
    expect((await runWorkerJob(t)).counts).toMatchObject({ payoutsResent: 0 })

    expect(await readPayout(t, note.id)).toMatchObject({ state: 'returned', resends: 0 })
    expect(await mailOfKind(t, ada.email, 'payout_resent')).toEqual([])
    expect(await balance(accounts.investorHeld(ada.userId))).toBe(104_033)
    expect((await paymentOf(note.id))?.stage).toBe('in_review')
    // The portfolio counts it on hold, not as money waiting for a bank account.
    expect(await heldInPortfolio(note.id)).toMatchObject({
      heldCents: 0,
      inReviewCents: 104_033,
      paymentHeld: false,
      paymentInReview: true,
      holdings: 0,
    })
    expect(await creditsAtPlaid(t)).toHaveLength(1)
    await expectLedgerClean(t)
  })
})
