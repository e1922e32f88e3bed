import { e2eUrls } from '../ports.ts'
import { expect, test } from './support/fixtures.ts'
import { startAnotherSession } from './support/investors.ts'

const newPassword = 'seven quiet herons over the marsh'

test('an investor changes their password and other sessions end', async ({
  page,
  browser,
  investor,
}) => {
  // The investor is also logged in on another device.
  const other = await browser.newContext()
  await other.addCookies([
    {
      name: 'tenor_session',
      value: await startAnotherSession(investor),
      url: e2eUrls.web,
      httpOnly: true,
      sameSite: 'Lax',
    },
  ])
  const otherPage = await other.newPage()

  try {
    await page.goto('/settings', { waitUntil: 'networkidle' })
    const sessions = page.getByRole('region', { name: 'Sessions' }).getByRole('listitem')
    await expect(sessions).toHaveCount(2)
    await expect(
      page.getByText(`Every email about your account goes to ${investor.email}`),
    ).toBeVisible()

    await page.getByLabel('Current password').fill(investor.password)
    await page.getByLabel('New password').fill(newPassword)
    await page.getByRole('button', { name: 'Change password' }).click()
    await expect(page.getByText('We logged out 1 other session.')).toBeVisible()
    await expect(sessions).toHaveCount(1)

    // The other device is logged out; the new password works there.
    await otherPage.goto('/settings')
    await expect(otherPage.getByRole('heading', { name: 'Log in' })).toBeVisible()
    await otherPage.waitForLoadState('networkidle')
    await otherPage.getByLabel('Email address').fill(investor.email)
    await otherPage.getByLabel('Password').fill(newPassword)
    await otherPage.getByRole('button', { name: 'Log in' }).click()
    await expect(otherPage.getByRole('heading', { name: 'Settings' })).toBeVisible()
  } finally {
    await other.close()
  }
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('a wrong current password is refused and no password is sent back', async ({
    page,
    investor: _,
  }) => {
    await page.goto('/settings')
    await page.getByLabel('Current password').fill('not my password at all, sorry')
    await page.getByLabel('New password').fill(newPassword)
    await page.getByRole('button', { name: 'Change password' }).click()
    await expect(page.getByText('That password is not right.')).toBeVisible()
    await expect(page.getByLabel('Current password')).toHaveValue('')
    await expect(page.getByLabel('New password')).toHaveValue('')
  })
})
