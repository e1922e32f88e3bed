import type { Browser, Page } from '@playwright/test'
import {
  createDraft,
  openAdminWindow,
  openSecondAdminWindow,
  publishDraftPage,
} from './support/admin.ts'
import { moveClock, resetClock } from './support/clock.ts'
import { expect, test } from './support/fixtures.ts'
import { findNewTransfer, listStandInTransfers, simulateTransfer } from './support/plaid.ts'
import { buyAndSettle } from './support/purchases.ts'

// Buying needs an approved identity check: the fixture sends one and the demo admin approves it.
test.use({ kycApproved: true })

/** Creates and publishes an offering open from today; the page is then the offering's own. */
async function publishOffering(page: Page, slug: string, name: string): Promise<void> {
  await createDraft(page, slug, name, 'A three-month note for the refund stories.')
  await publishDraftPage(page)
}

/** A second administrator approves the waiting request whose card mentions `text`. */
async function approveAsSecondAdmin(browser: Browser, text: string): Promise<void> {
  const { page: second, close } = await openSecondAdminWindow(browser)
  try {
    await second.goto('/admin/approvals', { waitUntil: 'networkidle' })
    const request = second.getByRole('listitem').filter({ hasText: text })
    await request.locator('summary', { hasText: 'Approve…' }).click()
    // The question says what a refund does, interest included, not only the amount bought.
    await expect(request).toContainText('principal and interest to the repayment date')
    await request.getByRole('button', { name: 'Approve and carry out', exact: true }).click()
    await expect(request).toHaveCount(0)
    await expect(second.getByRole('status')).toContainText('Decided')
  } finally {
    await close()
  }
}

/** Waits for the worker's ACH credit at the stand-in, then has the bank settle it. */
async function settleNextCredit(before: ReturnType<typeof listStandInTransfers>) {
  await expect
    .poll(() => listStandInTransfers().length, { timeout: 30_000 })
    .toBe(before.length + 1)
  const credit = findNewTransfer(before)
  await simulateTransfer(credit, 'posted')
  await simulateTransfer(credit, 'settled')
}

/**
 * A note repaid early is repaid a week after its debit settled, once the debit can no longer
 * come back: the clock moves on a week, the worker sends the credit, the bank settles it.
 */
async function expectRepaidAWeekOn(
  page: Page,
  purchaseId: string,
  creditsBefore: ReturnType<typeof listStandInTransfers>,
) {
  try {
    await moveClock(7)
    await settleNextCredit(creditsBefore)
    await expectPaidOut(page, purchaseId)
  } finally {
    await resetClock()
  }
}

/** The investor's purchase page, reloaded until the credit's settlement has been applied. */
async function expectPaidOut(page: Page, purchaseId: string) {
  await expect(async () => {
    await page.goto(`/purchases/${purchaseId}`)
    await expect(page.getByText(/was paid to your bank account\.$/)).toBeVisible({ timeout: 2_000 })
  }).toPass({ timeout: 30_000 })
  await expect(page.getByRole('heading', { name: 'Repaid early' })).toBeVisible()
}

test('an admin cancels an unfunded offering and the investor is refunded', async ({
  page,
  browser,
  investor: _,
}) => {
  test.slow()
  const slug = `story-unfunded-${Date.now()}`
  const name = `Story Unfunded ${Date.now()}`
  const admin = await openAdminWindow(browser)
  try {
    await publishOffering(admin.page, slug, name)
  } finally {
    await admin.close()
  }

  const purchaseId = await buyAndSettle(page, slug)

  const again = await openAdminWindow(browser)
  try {
    await again.page.goto('/admin/offerings', { waitUntil: 'networkidle' })
    await again.page.getByRole('row').filter({ hasText: name }).getByRole('link').first().click()
    await expect(again.page.getByRole('heading', { name })).toBeVisible()
    await again.page.getByLabel('Reason').fill('Too few investors before the closing date.')
    await again.page.getByRole('button', { name: 'Ask to cancel' }).click()
    await expect(
      again.page.getByText('Requested. Another administrator must approve it.'),
    ).toBeVisible()
  } finally {
    await again.close()
  }

  const creditsBefore = listStandInTransfers()
  await approveAsSecondAdmin(browser, name)
  await expectRepaidAWeekOn(page, purchaseId, creditsBefore)
})

test('a second admin approves a refund', async ({ page, browser, investor }) => {
  test.slow()
  const slug = `story-refund-${Date.now()}`
  const name = `Story Refund ${Date.now()}`
  const admin = await openAdminWindow(browser)
  try {
    await publishOffering(admin.page, slug, name)
  } finally {
    await admin.close()
  }

  const purchaseId = await buyAndSettle(page, slug)
  const reason = `Investor asked to unwind ${purchaseId}.`

  const again = await openAdminWindow(browser)
  try {
    await again.page.goto(`/admin/purchases/${purchaseId}`, { waitUntil: 'networkidle' })
    // The tab is named as the page's heading names the purchase, not by its id.
    await expect(again.page).toHaveTitle(`$1,000.00 of ${name} — Tenor admin`)
    await again.page.getByRole('button', { name: 'Request a refund' }).click()
    // A reason is required: the form comes back with the field marked.
    await expect(again.page.getByLabel('Reason')).toHaveAttribute('aria-invalid', 'true')
    await again.page.getByLabel('Reason').fill(reason)
    await again.page.getByRole('button', { name: 'Request a refund' }).click()
    await expect(
      again.page.getByText('Requested. Another administrator must approve it.'),
    ).toBeVisible()

    // The request is labelled in words, and the holding shows on the investor's page.
    await again.page.goto('/admin/approvals', { waitUntil: 'networkidle' })
    const request = again.page.getByRole('listitem').filter({ hasText: reason })
    await expect(request).toContainText('Refund a purchase to its investor')
    await expect(request).toContainText('Your request')
    await again.page.goto(`/admin/purchases/${purchaseId}`, { waitUntil: 'networkidle' })
    await again.page.getByRole('link', { name: investor.email }).click()
    const holdings = again.page.getByRole('region', { name: 'Holdings' })
    await expect(holdings.getByRole('row').filter({ hasText: name })).toContainText('$1,000.00')
    await expect(
      again.page.getByRole('region', { name: 'Banks' }).getByRole('row').nth(1),
    ).toContainText('First Platypus Bank')
  } finally {
    await again.close()
  }

  const creditsBefore = listStandInTransfers()
  await approveAsSecondAdmin(browser, reason)

  // The console's page of the note says when it is repaid, and how much.
  const after = await openAdminWindow(browser)
  try {
    await after.page.goto(`/admin/purchases/${purchaseId}`, { waitUntil: 'networkidle' })
    const facts = after.page.getByRole('region', { name: 'Purchase' })
    await expect(facts).toContainText(/To be repaid on\s+\w+ \d+, \d{4}, as a refund was approved/)
    await expect(facts).toContainText(/\$1,000\.00 principal and\s+\$\d+\.\d\d interest/)
    await expect(facts.getByText('Matures', { exact: true })).toHaveCount(0)
  } finally {
    await after.close()
  }

  // The investor's page says why and when, with the interest to that day, and offers no rollover.
  await page.goto(`/purchases/${purchaseId}`)
  await expect(page.getByText('Tenor is repaying this note early: it is refunded.')).toBeVisible()
  await expect(page.getByText(/earning interest until Tenor repays it\.$/)).toBeVisible()
  await expect(page.getByText(/until its maturity date/)).toHaveCount(0)
  await expect(page.getByText('Repayment date')).toBeVisible()
  await expect(page.getByText('Interest to repayment')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Save instruction' })).toHaveCount(0)
  // The portfolio says so too, beside the repayment date.
  await page.goto('/portfolio')
  const row = page
    .getByRole('region', { name: 'Holdings' })
    .getByRole('row')
    .filter({ hasText: name })
  await expect(row).toContainText('Tenor repays it early')
  await expect(row).toContainText('(repaid early)')
  await expectRepaidAWeekOn(page, purchaseId, creditsBefore)
})
