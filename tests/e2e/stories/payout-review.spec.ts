import {
  createDraft,
  openAdminWindow,
  openSecondAdminWindow,
  publishDraftPage,
} from './support/admin.ts'
import { resetClock } from './support/clock.ts'
import { expect, test } from './support/fixtures.ts'
import {
  findNewTransfer,
  listNewTransfers,
  listStandInTransfers,
  simulateTransfer,
} from './support/plaid.ts'
import { buyAndSettle, buyThousand } from './support/purchases.ts'

test.use({ kycApproved: true })

test('two administrators release a payout withheld for review, and it is paid once', async ({
  page,
  browser,
  investor: _signedIn,
}) => {
  test.slow()
  const slug = `story-review-${Date.now()}`
  const name = `Story Review ${Date.now()}`
  const admin = await openAdminWindow(browser)
  try {
    await createDraft(admin.page, slug, name)
    await publishDraftPage(admin.page)
  } finally {
    await admin.close()
  }

  // Two notes from one account; the bank then reports the second's debit as unauthorized.
  const kept = await buyAndSettle(page, slug)
  const disputed = findNewTransfer(await buyThousand(page, slug, { linked: true }))
  await simulateTransfer(disputed, 'posted')
  await simulateTransfer(disputed, 'settled')
  await simulateTransfer(disputed, 'returned', 'R10')

  try {
    // The first note matures; its payout is withheld, not sent.
    const creditsBefore = listStandInTransfers()
    await page.goto('/dev/clock', { waitUntil: 'networkidle' })
    await page.getByRole('button', { name: /Forward to the next maturity/ }).click()
    await expect(page.getByText('The clock moved')).toBeVisible()

    const asker = await openAdminWindow(browser)
    try {
      await expect(async () => {
        await asker.page.goto('/admin/operations')
        const withheld = asker.page.getByRole('region', { name: 'Payouts withheld for review' })
        await expect(withheld.getByRole('link', { name })).toBeVisible({ timeout: 2_000 })
      }).toPass({ timeout: 60_000 })
      expect(listNewTransfers(creditsBefore, { creditTo: disputed })).toEqual([])

      await asker.page.goto(`/admin/purchases/${kept}`, { waitUntil: 'networkidle' })
      const review = asker.page.getByRole('region', { name: 'Payout review' })
      await review
        .getByLabel('What the review found')
        .fill('The bank confirmed the debit was theirs.')
      await review.getByRole('button', { name: 'Request release' }).click()
      await expect(
        review.getByText('Requested. Another administrator must approve it.'),
      ).toBeVisible()
    } finally {
      await asker.close()
    }

    const { page: second, close } = await openSecondAdminWindow(browser)
    try {
      await second.goto('/admin/approvals', { waitUntil: 'networkidle' })
      const request = second
        .getByRole('listitem')
        .filter({ hasText: 'The bank confirmed the debit was theirs.' })
      await expect(request).toContainText('Release a payout withheld for review')
      await request.locator('summary', { hasText: 'Approve…' }).click()
      await expect(request).toContainText(/Release the payout of \$1,0\d\d\.\d\d/)
      await request.getByRole('button', { name: 'Approve and carry out', exact: true }).click()
      await expect(request).toHaveCount(0)
    } finally {
      await close()
    }

    // The next maturity run sends it, to the account that paid for the note, once.
    await expect
      .poll(() => listNewTransfers(creditsBefore, { creditTo: disputed }).length, {
        timeout: 60_000,
      })
      .toBe(1)
    const credit = findNewTransfer(creditsBefore, { creditTo: disputed })
    await simulateTransfer(credit, 'posted')
    await simulateTransfer(credit, 'settled')
    await expect(async () => {
      await page.goto(`/purchases/${kept}`)
      await expect(page.getByRole('heading', { name: 'Paid out' })).toBeVisible({ timeout: 2_000 })
    }).toPass({ timeout: 30_000 })
    expect(listNewTransfers(creditsBefore, { creditTo: disputed })).toHaveLength(1)
  } finally {
    await resetClock()
  }
})
