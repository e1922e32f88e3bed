import type { Browser, Locator } from '@playwright/test'
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
import { buyAndSettle, buySettledNote, buyThousand } from './support/purchases.ts'

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
      await askInReview(review, 'Request release', 'The bank confirmed the debit was theirs.')
    } finally {
      await asker.close()
    }

    await approveAsSecondAdmin(browser, {
      reason: 'The bank confirmed the debit was theirs.',
      action: 'Release a payout withheld for review',
      confirmation: /Release the payout of \$1,0\d\d\.\d\d/,
    })

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

test('two administrators cancel the payout of a note whose debit came back after it matured', async ({
  page,
  browser,
  investor: _signedIn,
}) => {
  test.slow()
  const slug = `story-cancel-${Date.now()}`
  const name = `Story Cancel ${Date.now()}`
  const admin = await openAdminWindow(browser)
  try {
    await createDraft(admin.page, slug, name)
    await publishDraftPage(admin.page)
  } finally {
    await admin.close()
  }

  const { purchaseId: note, debit } = await buySettledNote(page, slug)

  try {
    // The note matures and is paid; the credit comes back (the account closed), and then the
    // bank takes back the debit that paid for the note.
    const creditsBefore = listStandInTransfers()
    await page.goto('/dev/clock', { waitUntil: 'networkidle' })
    await page.getByRole('button', { name: /Forward to the next maturity/ }).click()
    await expect(page.getByText('The clock moved')).toBeVisible()
    await expect
      .poll(() => listNewTransfers(creditsBefore, { creditTo: debit }).length, { timeout: 60_000 })
      .toBe(1)
    const credit = findNewTransfer(creditsBefore, { creditTo: debit })
    await simulateTransfer(credit, 'posted')
    await simulateTransfer(credit, 'returned', 'R02')
    await simulateTransfer(debit, 'returned', 'R10')

    const asker = await openAdminWindow(browser)
    try {
      const review = asker.page.getByRole('region', { name: 'Payout review' })
      await expect(async () => {
        await asker.page.goto(`/admin/purchases/${note}`, { waitUntil: 'networkidle' })
        await expect(review.getByRole('button', { name: 'Request cancellation' })).toBeVisible({
          timeout: 2_000,
        })
      }).toPass({ timeout: 60_000 })
      await expect(review).toContainText('came back after it matured')
      await askInReview(
        review,
        'Request cancellation',
        'The bank took the debit back as unauthorized.',
      )
    } finally {
      await asker.close()
    }

    await approveAsSecondAdmin(browser, {
      reason: 'The bank took the debit back as unauthorized.',
      action: 'Cancel the payout of a note whose debit came back',
      confirmation: /Cancel the payout of \$1,0\d\d\.\d\d/,
    })
    const after = await openAdminWindow(browser)
    try {
      await after.page.goto(`/admin/purchases/${note}`, { waitUntil: 'networkidle' })
      await expect(
        after.page.getByRole('definition').filter({ hasText: 'Cancelled' }),
      ).toContainText(/\$1,0\d\d\.\d\d, cancelled\s.+\snothing is paid on it\./s)
      await expect(after.page.getByRole('region', { name: 'Payout review' })).toHaveCount(0)
    } finally {
      await after.close()
    }

    // The investor's note reads as returned, nothing paid; no further credit goes out.
    await page.goto(`/purchases/${note}`, { waitUntil: 'networkidle' })
    await expect(page.getByRole('heading', { name: 'Returned by your bank' })).toBeVisible()
    await expect(page.getByText('so nothing is paid on it')).toBeVisible()
    expect(listNewTransfers(creditsBefore, { creditTo: debit })).toHaveLength(1)
  } finally {
    await resetClock()
  }
})

/** The first administrator asks, from the purchase's payout review, with what the review found. */
async function askInReview(review: Locator, button: string, found: string) {
  await review.getByLabel('What the review found').fill(found)
  await review.getByRole('button', { name: button }).click()
  await expect(review.getByText('Requested. Another administrator must approve it.')).toBeVisible()
}

/** A second administrator finds the request by its reason, reads what it does and approves it. */
async function approveAsSecondAdmin(
  browser: Browser,
  request: { reason: string; action: string; confirmation: RegExp },
) {
  const { page: second, close } = await openSecondAdminWindow(browser)
  try {
    await second.goto('/admin/approvals', { waitUntil: 'networkidle' })
    const item = second.getByRole('listitem').filter({ hasText: request.reason })
    await expect(item).toContainText(request.action)
    await item.locator('summary', { hasText: 'Approve…' }).click()
    await expect(item).toContainText(request.confirmation)
    await item.getByRole('button', { name: 'Approve and carry out', exact: true }).click()
    await expect(item).toHaveCount(0)
  } finally {
    await close()
  }
}
