import { resetClock } from './support/clock.ts'
import { expect, test } from './support/fixtures.ts'
import {
  findNewTransfer,
  listNewTransfers,
  listStandInTransfers,
  simulateTransfer,
} from './support/plaid.ts'
import { buyThousand } from './support/purchases.ts'

test.use({ kycApproved: true })

test('an investor buys a note, sees it become active, moves the clock to maturity and is paid', async ({
  page,
  investor,
}) => {
  test.slow()
  try {
    const debitsBefore = await buyThousand(page, 'series-a-6m')
    const purchaseUrl = page.url()

    // The bank settles the debit, played from the page's development panel: the note earns.
    const debit = findNewTransfer(debitsBefore)
    const bank = page.getByRole('region', { name: 'Development: play the bank' })
    await bank.getByRole('button', { name: 'Settle' }).click()
    await expect(page.getByRole('heading', { name: 'Active, earning interest' })).toBeVisible({
      timeout: 30_000,
    })
    // A settled debit can still come back, so the bank can only return it now.
    await expect(bank.getByRole('button', { name: 'Settle' })).toBeHidden()
    await expect(bank.getByRole('button', { name: 'Return' })).toBeVisible()

    // Six months pass in a click; the worker matures the note and sends the payout.
    const creditsBefore = listStandInTransfers()
    await page.goto('/dev/clock', { waitUntil: 'networkidle' })
    // First to its reminder, ten days before, which the worker then writes to the investor.
    await page.getByRole('button', { name: /Forward to its maturity reminder/ }).click()
    await expect(page.getByText('The clock moved')).toBeVisible()
    await expect(async () => {
      await page.goto(`/dev/mailbox?to=${encodeURIComponent(investor.email)}`)
      await expect(page.getByText(/matures on/).first()).toBeVisible({ timeout: 2_000 })
    }).toPass({ timeout: 45_000 })
    await page.goto('/dev/clock', { waitUntil: 'networkidle' })
    // A step short of maturity, too: the day the note's maturity choice closes, five days before.
    await expect(
      page.getByRole('button', { name: /Forward to when its choices close \(5 days\)/ }),
    ).toBeVisible()
    await expect(
      page.getByRole('button', { name: /Forward to its maturity reminder/ }),
    ).toHaveCount(0)
    await page.getByRole('button', { name: /Forward to the next maturity \(10 days\)/ }).click()
    await expect(page.getByText('The clock moved')).toBeVisible()
    // Other stories' notes may mature the same day: this one's credit goes to its own account.
    const ours = { creditTo: debit }
    await expect
      .poll(() => listNewTransfers(creditsBefore, ours).length, { timeout: 30_000 })
      .toBe(1)
    const credit = findNewTransfer(creditsBefore, ours)
    // Matured and being paid: no longer invested, nor still to mature.
    await page.goto('/portfolio')
    const totals = page.getByRole('region', { name: 'Totals' })
    await expect(totals.getByText('Invested now')).toBeVisible()
    await expect(totals).toContainText(/\$0\.00\s*\$1,0\d\d\.\d\d from matured notes on its way/)
    await expect(totals).toContainText(
      /Expected at maturity\s*Nothing\s*every note you hold has matured/,
    )
    await expect(totals).not.toContainText('including $0.00 interest')
    await expect(page.getByText('No note of yours is still to mature.')).toBeVisible()
    await simulateTransfer(credit, 'posted')
    await simulateTransfer(credit, 'settled')

    // A page that reached "Matured" does not follow on by itself: reload until the settled
    // credit has been applied.
    await expect(async () => {
      await page.goto(purchaseUrl)
      await expect(page.getByRole('heading', { name: 'Paid out' })).toBeVisible({ timeout: 2_000 })
    }).toPass({ timeout: 30_000 })
    const payment = page.getByRole('region', { name: 'Your payment' })
    await expect(payment).toContainText(/\$1,0\d\d\.\d\d was paid on /)
    await expect(payment).toContainText('at First Platypus Bank')

    // Paid out, it leaves the holdings; what it earned is still counted.
    await page.goto('/portfolio')
    await expect(
      page.getByText(/your notes have earned you \$\d+\.\d\d in interest\./),
    ).toBeVisible()

    await page.goto(`/dev/mailbox?to=${encodeURIComponent(investor.email)}`)
    await expect(page.getByText(/payout of \$1,0\d\d\.\d\d has arrived/).first()).toBeVisible({
      timeout: 15_000,
    })
  } finally {
    await resetClock()
  }
})
