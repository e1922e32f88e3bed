import type { Page } from '@playwright/test'
import { linkBankWithChooser } from './support/banks.ts'
import { expect, test } from './support/fixtures.ts'
import { findNewItem, listStandInItems, resetItemLogin } from './support/plaid.ts'

const banner = (page: Page) => page.getByRole('complementary', { name: 'Bank connection' })

test('an investor links a bank with the local chooser', async ({ page, investor: _ }) => {
  await page.goto('/banks', { waitUntil: 'networkidle' })
  await expect(page.getByText('You have not linked a bank yet.')).toBeVisible()

  await linkBankWithChooser(page, 'First Platypus Bank')

  await expect(page.getByRole('heading', { name: 'First Platypus Bank' })).toBeVisible()
  const checking = page.getByRole('row', { name: /Checking ending 0000/ })
  await expect(checking).toContainText('••••0000')
  await expect(checking.getByRole('cell').last()).toHaveText('Yes')
  await expect(page.getByRole('row', { name: /Credit Card ending 3333/ })).toContainText(
    'only checking and savings',
  )

  // On a phone every column is in view, whether an account pays for purchases most of all.
  await page.setViewportSize({ width: 390, height: 844 })
  const pays = await page.getByRole('columnheader', { name: 'Pays for purchases' }).boundingBox()
  expect((pays?.x ?? Number.POSITIVE_INFINITY) + (pays?.width ?? 0)).toBeLessThanOrEqual(390)
})

test('a wrong bank password is refused and the username is kept', async ({ page, investor: _ }) => {
  await page.goto('/banks/link?institution=ins_109511', { waitUntil: 'networkidle' })
  await page.getByLabel('Username at Tartan Bank').fill('user_good')
  await page.getByLabel('Password at Tartan Bank').fill('not the password')
  await page.getByRole('button', { name: 'Sign in and link' }).click()

  await expect(page.getByRole('alert')).toContainText('did not accept those credentials')
  await expect(page.getByLabel('Username at Tartan Bank')).toHaveValue('user_good')
})

test('an investor reconnects a bank after the bank resets the login', async ({
  page,
  investor: _,
}) => {
  const before = listStandInItems()
  await linkBankWithChooser(page, 'First Platypus Bank')
  await expect(banner(page)).toHaveCount(0)

  await resetItemLogin(findNewItem(before))

  // The bank's webhook reaches the API in the background; the banner follows on the next page.
  await expect(async () => {
    await page.goto('/offerings')
    await expect(banner(page)).toBeVisible({ timeout: 500 })
  }).toPass({ timeout: 15_000 })
  await expect(banner(page)).toContainText('First Platypus Bank needs you to sign in again')

  await banner(page).getByRole('link', { name: 'Reconnect on your banks page' }).click()
  await expect(page.getByText('Sign in again', { exact: true })).toBeVisible()
  await page.getByRole('link', { name: 'Reconnect First Platypus Bank' }).click()
  await page.waitForLoadState('networkidle')
  await page.getByLabel('Username at First Platypus Bank').fill('user_good')
  await page.getByLabel('Password at First Platypus Bank').fill('pass_good')
  await page.getByRole('button', { name: 'Sign in and reconnect' }).click()

  await expect(page.getByText('Your bank is reconnected')).toBeVisible()
  await expect(page.getByText('Connected', { exact: true })).toBeVisible()
  await expect(banner(page)).toHaveCount(0)
})

test('an investor removes a bank after confirming', async ({ page, investor: _ }) => {
  await linkBankWithChooser(page, 'First Gingham Credit Union')

  await page.getByRole('link', { name: 'Remove First Gingham Credit Union' }).click()
  await expect(
    page.getByRole('heading', { name: 'Remove First Gingham Credit Union?' }),
  ).toBeVisible()
  // The accounts it stops are those that could pay: checking and savings, not the credit card.
  const stopping = page.getByRole('main').getByRole('listitem')
  await expect(stopping).toHaveText([/Checking ••••0000/, /Saving ••••1111/])
  await page.waitForLoadState('networkidle')
  await page.getByRole('button', { name: 'Remove First Gingham Credit Union' }).click()

  await expect(page.getByText('The bank is removed.')).toBeVisible()
  await expect(page.getByText('You have not linked a bank yet.')).toBeVisible()
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('an investor links a bank with the local chooser', async ({ page, investor: _ }) => {
    await linkBankWithChooser(page, 'Tattersall Federal Credit Union')

    await expect(
      page.getByRole('heading', { name: 'Tattersall Federal Credit Union' }),
    ).toBeVisible()
  })
})

test('the page an OAuth bank returns to, opened without a link started in this browser, says to start again', async ({
  page,
  investor: _,
}) => {
  await page.goto('/banks/oauth?oauth_state_id=not-from-this-tab', { waitUntil: 'networkidle' })
  await expect(page.getByRole('heading', { name: 'Finish linking your bank' })).toBeVisible()
  await expect(page.getByText('opened in another browser')).toBeVisible()
  await expect(page.getByRole('link', { name: 'Your banks' })).toHaveAttribute('href', '/banks')
})

test('a Plaid Link another account left open in this browser is not taken up', async ({
  page,
  investor: _,
}) => {
  await page.goto('/banks')
  // As the page that opens Link for an OAuth bank keeps it, for someone else who used this browser.
  await page.evaluate(() =>
    localStorage.setItem(
      'tenor.plaid-link',
      JSON.stringify({
        linkToken: 'link-sandbox-left-by-another-account',
        finishPath: '/banks/new',
        userId: 'another-account',
        savedAt: Date.now(),
      }),
    ),
  )

  await page.goto('/banks/oauth?oauth_state_id=from-another-account', { waitUntil: 'networkidle' })

  await expect(page.getByText('by another account')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Continue with Plaid' })).toHaveCount(0)
})
