import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { adminPages, openAdminWindow } from './support/admin.ts'
import { linkBankWithChooser } from './support/banks.ts'
import { expect, test } from './support/fixtures.ts'
import { buyAndSettle } from './support/purchases.ts'

/**
 * Every page an investor or an administrator meets, checked by axe-core against WCAG 2.1 A and
 * AA: names and roles, labels, contrast, landmarks, headings. A violation fails the story with
 * axe's own account of it (rule, impact, the elements).
 */
async function expectAccessible(page: Page, path?: string) {
  if (path) await page.goto(path, { waitUntil: 'networkidle' })
  const { violations } = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze()
  const found = violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    elements: v.nodes.map((node) => node.target.join(' ')).slice(0, 5),
  }))
  expect(found, `accessibility of ${path ?? page.url()}`).toEqual([])
}

test.use({ kycApproved: true })

// Wide tables overflow their boxes on a phone, where a scrolling box must take keyboard focus.
const phone = { width: 390, height: 844 }

test('the pages a visitor meets are accessible', async ({ browser }) => {
  const context = await browser.newContext()
  const page = await context.newPage()
  try {
    for (const path of ['/', '/offerings', '/offerings/series-a-6m', '/login', '/register']) {
      await expectAccessible(page, path)
    }
  } finally {
    await context.close()
  }
})

test('the pages an investor meets, from buying to the portfolio, are accessible', async ({
  page,
  investor: _,
}) => {
  await linkBankWithChooser(page, 'First Platypus Bank')
  for (const path of ['/banks', '/settings', '/offerings/series-a-6m/buy']) {
    await expectAccessible(page, path)
  }

  await expectAccessible(page, '/offerings/series-a-6m/buy?amount=1,000&step=review')
  // The same step showing its error: the unticked authorization.
  await page.getByRole('button', { name: 'Buy for $1,000.00' }).click()
  await expect(page.getByText('Tick the box to authorize the debit')).toBeVisible()
  await expectAccessible(page)
  await page.getByLabel(/I authorize Tenor to debit \$1,000\.00 once, by ACH/).check()
  await page.getByRole('button', { name: 'Buy for $1,000.00' }).click()
  await expect(page).toHaveURL(/\/purchases\/[^/]+$/)
  await expectAccessible(page, new URL(page.url()).pathname)
  await expectAccessible(page, '/portfolio')

  await page.setViewportSize(phone)
  for (const path of ['/offerings', '/banks', '/portfolio']) await expectAccessible(page, path)
})

test('the admin console is accessible, on a laptop and on a phone', async ({
  browser,
  page,
  investor: _,
}) => {
  test.slow()
  // A settled purchase, so its page has a history, transfer events and ledger entries.
  const purchaseId = await buyAndSettle(page, 'series-a-6m')
  const admin = await openAdminWindow(browser)
  try {
    for (const path of [...adminPages, `/admin/purchases/${purchaseId}`]) {
      await admin.page.setViewportSize({ width: 1280, height: 720 })
      await expectAccessible(admin.page, path)
      await admin.page.setViewportSize(phone)
      await expectAccessible(admin.page, path)
    }
  } finally {
    await admin.close()
  }
})
