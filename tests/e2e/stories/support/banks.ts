import { expect, type Page } from '@playwright/test'

/** Links a bank through the local chooser, as an investor would, and waits for the result. */
export async function linkBankWithChooser(
  page: Page,
  bankName: string,
  login = { username: 'user_good', password: 'pass_good' },
): Promise<void> {
  // Typing before the page hydrates would be undone by hydration.
  await page.goto('/banks', { waitUntil: 'networkidle' })
  await page.getByRole('link', { name: /^Link (a|another) bank$/ }).click()
  await page.getByRole('radio', { name: bankName }).check()
  await page.getByRole('button', { name: 'Continue' }).click()

  await expect(page.getByRole('heading', { name: `Sign in to ${bankName}` })).toBeVisible()
  await page.waitForLoadState('networkidle')
  await page.getByLabel(`Username at ${bankName}`).fill(login.username)
  await page.getByLabel(`Password at ${bankName}`).fill(login.password)
  await page.getByRole('button', { name: 'Sign in and link' }).click()
  await expect(page.getByText('Your bank is linked.')).toBeVisible()
}
