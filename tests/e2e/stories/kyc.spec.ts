import type { Browser } from '@playwright/test'
import { adminApiToken, logInAsAdmin, openAdminWindow, postJson } from './support/admin.ts'
import { confirmStep } from './support/confirm.ts'
import { expect, test } from './support/fixtures.ts'
import { type Investor, sampleKyc } from './support/investors.ts'

/** A fresh browser window for the admin, apart from the investor's. */
async function openAdminPage(browser: Browser) {
  const context = await browser.newContext()
  return { context, page: await context.newPage() }
}

test('an investor submits KYC and an admin approves it', async ({ page, browser, investor }) => {
  // The offering page says what is missing and leads to the identity check.
  await page.goto('/offerings/series-a-6m')
  await page.getByRole('link', { name: 'Verify your identity' }).click()
  await expect(page.getByRole('heading', { name: 'Verify your identity' })).toBeVisible()
  await expect(
    page.getByText('Purchases are disabled until your identity is verified.'),
  ).toBeVisible()

  await page.waitForLoadState('networkidle')
  await page.getByLabel('Full legal name').fill('Story Investor')
  await page.getByLabel('Date of birth').fill('1985-04-12')
  await page.getByLabel('Street address').fill('12 Harbor Street')
  await page.getByLabel('City').fill('Portland')
  await page.getByLabel('State').selectOption({ label: 'Maine' })
  await page.getByLabel('ZIP code').fill('04101')
  await page.getByRole('radio', { name: 'Social Security number (SSN)' }).check()
  await page.getByLabel('Number', { exact: true }).fill('123-45-6789')
  await page.getByRole('checkbox', { name: /true and complete/ }).check()
  await page.getByRole('button', { name: 'Send for review' }).click()

  await expect(page.getByText('Sent for review')).toBeVisible()
  await expect(page.getByText('Submitted, under review')).toBeVisible()
  await expect(page.getByText('•••-••-6789')).toBeVisible()
  await expect(page.getByText('123-45-6789')).toHaveCount(0)
  await expect(page.getByText('Purchases stay disabled until they are verified')).toBeVisible()

  // A second browser: the admin logs in with two-factor, lands on the console (not a
  // portfolio), and finds the check waiting.
  const admin = await openAdminPage(browser)
  try {
    await logInAsAdmin(admin.page, null)
    await expect(admin.page).toHaveURL(/\/admin$/)
    await expect(admin.page.getByRole('heading', { name: 'Admin console' })).toBeVisible()
    // Its tab is named as every console page's is: the heading, then "Tenor admin".
    await expect(admin.page).toHaveTitle('Admin console — Tenor admin')
    await admin.page
      .getByRole('navigation', { name: 'Admin console' })
      .getByRole('link', { name: 'Users' })
      .click()
    await expect(admin.page.getByRole('heading', { name: 'Users' })).toBeVisible()
    await admin.page.waitForLoadState('networkidle')
    await admin.page.getByLabel('Email or name contains').fill(investor.email)
    // The keyboard meets both filters before the button that applies them.
    await admin.page.getByLabel('Email or name contains').press('Tab')
    await expect(admin.page.getByLabel('Identity check')).toBeFocused()
    await admin.page.getByLabel('Identity check').selectOption({ label: 'Waiting for review' })
    await admin.page.getByRole('button', { name: 'Search' }).click()
    await expect(
      admin.page.getByText(
        `1 user matching “${investor.email}” and with identity check “waiting for review”`,
      ),
    ).toBeVisible()
    // The demo investor sent the same number: the list of checks to review says so already.
    await expect(admin.page.getByText('Tax id also on another account')).toBeVisible()
    // A queue of checks says when each was sent; a list of users, when each joined.
    await expect(admin.page.getByRole('columnheader', { name: 'Sent for review' })).toBeVisible()
    // A status they do not have finds nobody.
    await admin.page.getByLabel('Identity check').selectOption({ label: 'Rejected' })
    await admin.page.getByRole('button', { name: 'Search' }).click()
    await expect(admin.page.getByText(/^No user matching/)).toBeVisible()
    await admin.page.getByLabel('Identity check').selectOption({ label: 'Any' })
    await admin.page.getByRole('button', { name: 'Search' }).click()
    await expect(admin.page.getByText(`1 user matching “${investor.email}”`)).toBeVisible()
    await expect(admin.page.getByRole('columnheader', { name: 'Joined' })).toBeVisible()
    await admin.page.getByRole('link', { name: 'Story Investor' }).click()

    await expect(admin.page.getByRole('heading', { name: 'Identity check' })).toBeVisible()
    await expect(admin.page.getByText('•••-••-6789')).toBeVisible()
    await expect(admin.page.getByText('123-45-6789')).toHaveCount(0)
    // The demo investor sent the same number: the reviewer is told, and shown whose account.
    const warning = admin.page.getByRole('alert').filter({
      hasText: 'Another account sent the same tax id',
    })
    await expect(warning.getByRole('link', { name: 'Ines Investor' })).toBeVisible()
    await expect(warning).toContainText('investor@tenor.local')
    await confirmStep(admin.page, 'Approve identity…', 'Yes, approve')
    await expect(admin.page.getByText(`We are emailing ${investor.email}`)).toBeVisible()
  } finally {
    await admin.context.close()
  }

  await page.reload()
  await expect(page.getByText('Your identity is verified. You can buy notes.')).toBeVisible()
  await page.goto(`/dev/mailbox?to=${encodeURIComponent(investor.email)}`)
  await expect(page.getByRole('heading', { name: 'Your identity is verified' })).toBeVisible()
})

test('an admin rejects an identity check with a reason, and the investor sends it again', async ({
  page,
  browser,
  investor,
}) => {
  await postJson('/kyc', investor.sessionToken, sampleKyc(investor.legalName))

  const admin = await openAdminWindow(browser)
  try {
    // The overview lists checks waiting for review.
    const review = admin.page.getByRole('region', { name: 'Identity checks to review' })
    // Each investor waits on their own check, not on everyone's.
    await expect(review).toContainText(
      /waiting: (the investor cannot buy until it is decided|none of these investors can buy until theirs is decided)\./,
    )
    await review.getByRole('row').filter({ hasText: investor.email }).getByRole('link').click()
    await admin.page.waitForLoadState('networkidle')
    await admin.page.getByRole('button', { name: 'Reject identity' }).click()
    await expect(admin.page.getByText('Say why, in words the investor understands.')).toBeVisible()
    await admin.page
      .getByLabel('Reason for the investor')
      .fill('The address does not match your ID. Use the address on your driving licence.')
    await admin.page.getByRole('button', { name: 'Reject identity' }).click()
    await expect(admin.page.getByText(`We are emailing ${investor.email}`)).toBeVisible()
  } finally {
    await admin.close()
  }

  await page.goto('/kyc', { waitUntil: 'networkidle' })
  await expect(page.getByText('We could not verify your details')).toBeVisible()
  await expect(page.getByText('The address does not match your ID.')).toBeVisible()
  // What was sent comes back to correct, except the tax id.
  await expect(page.getByLabel('City')).toHaveValue('Portland')
  await expect(page.getByLabel('Number', { exact: true })).toHaveValue('')
  await page.getByLabel('Street address').fill('40 Congress Street')
  await page.getByLabel('Number', { exact: true }).fill('123-45-6789')
  await page.getByRole('checkbox', { name: /true and complete/ }).check()
  await page.getByRole('button', { name: 'Send for review' }).click()
  await expect(page.getByText('Submitted, under review')).toBeVisible()
})

/**
 * Opens the investor's identity check in an admin window; while it is open, another decision
 * is made and the investor sends new details (living at 40 Congress Street).
 */
async function reviewWhileDetailsAreReplaced(browser: Browser, investor: Investor) {
  const sent = (await postJson('/kyc', investor.sessionToken, sampleKyc(investor.legalName))) as {
    profile: { submittedAt: string }
  }
  const admin = await openAdminWindow(browser)
  const review = admin.page.getByRole('region', { name: 'Identity checks to review' })
  await review.getByRole('row').filter({ hasText: investor.email }).getByRole('link').click()
  await admin.page.waitForLoadState('networkidle')
  const userId = new URL(admin.page.url()).pathname.split('/').at(-1)
  await postJson(`/admin/users/${userId}/kyc`, await adminApiToken(), {
    decision: 'reject',
    submittedAt: sent.profile.submittedAt,
    reason: 'The address does not match your ID.',
  })
  const corrected = sampleKyc(investor.legalName)
  corrected.address.line1 = '40 Congress Street'
  await postJson('/kyc', investor.sessionToken, corrected)

  return admin
}

test('an approval of details the investor has replaced since is not made; the page shows the new ones', async ({
  browser,
  investor,
}) => {
  const admin = await reviewWhileDetailsAreReplaced(browser, investor)
  try {
    await confirmStep(admin.page, 'Approve identity…', 'Yes, approve')
    await expect(admin.page.getByText('New details to review')).toBeVisible()
    await expect(admin.page.getByText('40 Congress Street')).toBeVisible()
    await expect(admin.page.getByRole('button', { name: 'Reject identity' })).toBeVisible()
  } finally {
    await admin.close()
  }
})

test('a rejection of details replaced since is not made; the page shows the new ones and keeps the reason', async ({
  browser,
  investor,
}) => {
  const admin = await reviewWhileDetailsAreReplaced(browser, investor)
  try {
    const reason = 'The name does not match your ID.'
    await admin.page.getByLabel('Reason for the investor').fill(reason)
    await admin.page.getByRole('button', { name: 'Reject identity' }).click()
    await expect(admin.page.getByText('so nothing was decided')).toBeVisible()
    await expect(admin.page.getByText('40 Congress Street')).toBeVisible()
    await expect(admin.page.getByLabel('Reason for the investor')).toHaveValue(reason)
    // The form now decides the details waiting.
    await admin.page.getByRole('button', { name: 'Reject identity' }).click()
    await expect(admin.page.getByText(`We are emailing ${investor.email}`)).toBeVisible()
  } finally {
    await admin.close()
  }
})

test('a state chosen stays chosen however often the form is refused', async ({
  page,
  investor: _,
}) => {
  await page.goto('/kyc', { waitUntil: 'networkidle' })
  await page.getByLabel('State').selectOption({ label: 'Illinois' })
  await page.getByLabel('ZIP code').fill('041')
  for (let attempt = 0; attempt < 2; attempt++) {
    await page.getByRole('button', { name: 'Send for review' }).click()
    await expect(page.getByText('Enter a 5-digit ZIP code.')).toBeVisible()
    await expect(page.getByLabel('State')).toHaveValue('IL')
  }
  // The ZIP code's error below it does not push the State beside it out of line. Measured from
  // the top of the page, not the window, which scrolls to the error as it is shown.
  const top = (label: string) =>
    page.getByLabel(label).evaluate((field) => field.getBoundingClientRect().top + window.scrollY)
  expect(await top('State')).toBe(await top('ZIP code'))
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('an incomplete identity check is refused field by field and keeps what was typed', async ({
    page,
    investor: _,
  }) => {
    await page.goto('/kyc')
    await page.getByLabel('State').selectOption({ label: 'Maine' })
    await page.getByLabel('Street address').fill('12 Harbor Street')
    await page.getByLabel('ZIP code').fill('041')
    await page.getByLabel('Number', { exact: true }).fill('000-12-3456')
    await page.getByRole('button', { name: 'Send for review' }).click()

    // Every problem in one answer, the tax id's too, each in words for what is wrong with it.
    await expect(page.getByText('Enter your date of birth.')).toBeVisible()
    await expect(page.getByText('This is not a valid Social Security number.')).toBeVisible()
    await expect(page.getByText('Enter your city.')).toBeVisible()
    await expect(page.getByText('Enter a 5-digit ZIP code.')).toBeVisible()
    await expect(page.getByLabel('State')).toHaveValue('ME')
    await expect(page.getByText('Confirm that the information is true and complete.')).toBeVisible()
    await expect(page.getByLabel('Street address')).toHaveValue('12 Harbor Street')
    // The tax id is never sent back to the page.
    await expect(page.getByLabel('Number', { exact: true })).toHaveValue('')
  })
})

test('an empty identity check names every field at once, the tax id included', async ({
  page,
  investor: _,
}) => {
  await page.goto('/kyc', { waitUntil: 'networkidle' })
  await page.getByRole('button', { name: 'Send for review' }).click()

  const flagged = page.locator('[aria-invalid="true"]')
  await expect(page.getByLabel('Number', { exact: true })).toHaveAttribute('aria-invalid', 'true')
  await expect(page.getByLabel('Number', { exact: true })).toHaveAccessibleDescription(
    /Enter your Social Security number\./,
  )
  await expect(page.getByLabel('Date of birth')).toHaveAccessibleDescription(
    'Enter your date of birth.',
  )
  const labels = await flagged.evaluateAll((fields) =>
    fields.map((field) => (field as HTMLInputElement).labels?.[0]?.textContent?.trim()),
  )
  for (const label of ['Date of birth', 'Street address', 'City', 'State', 'ZIP code'])
    expect(labels).toContain(label)
  // Focus is on the first of them.
  await expect(flagged.first()).toBeFocused()
})

test('an investor who opens the admin console is told there is no such page', async ({
  page,
  investor: _,
}) => {
  const response = await page.goto('/admin')
  expect(response?.status()).toBe(404)
  await expect(page.getByRole('heading', { name: 'We cannot find that page' })).toBeVisible()
  await expect(page.getByRole('link', { name: 'Admin' })).toHaveCount(0)
})
