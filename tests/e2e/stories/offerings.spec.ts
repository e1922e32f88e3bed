import { e2eUrls } from '../ports.ts'
import { expect, test } from './support/fixtures.ts'

const slug = 'series-a-6m'

/** The API's own figures for an amount, to hold the page to them. */
async function fetchPreview(amountCents: number) {
  const url = new URL(`/offerings/${slug}/preview`, e2eUrls.api)
  url.searchParams.set('amountCents', String(amountCents))
  const { preview } = (await (await fetch(url)).json()) as {
    preview: { totalCents: number; interestCents: number }
  }
  return preview
}

const usd = (cents: number) =>
  `$${Math.floor(cents / 100).toLocaleString('en-US')}.${String(cents % 100).padStart(2, '0')}`

test('a visitor sees the open offerings on the home page', async ({ page }) => {
  await page.goto('/')
  const offerings = page.getByRole('region', { name: 'Open offerings' })
  const card = offerings.getByRole('article', { name: 'Series A 6-Month Note' })
  await expect(card).toContainText('5.25%')
  await expect(card).toContainText('6 months')
  await expect(card).toContainText('$500.00')
  await expect(card).toContainText('left of $250,000.00')
})

test('a visitor previews the payout of an offering', async ({ page }) => {
  const expected = await fetchPreview(1_000_000)
  await page.goto(`/offerings/${slug}`, { waitUntil: 'networkidle' })
  await expect(page.getByRole('heading', { name: 'How interest is counted' })).toBeVisible()
  await expect(page.getByText('Actual/365 Fixed.')).toBeVisible()

  const amount = page.getByLabel('Amount to invest (USD)')
  await amount.fill('10,000')
  const payout = page.getByRole('region', { name: 'What you would be paid' })
  await expect(payout.getByText(usd(expected.totalCents))).toBeVisible()
  await expect(payout.getByText(usd(expected.interestCents))).toBeVisible()

  await expect(amount).not.toHaveAttribute('aria-invalid')
  await amount.fill('120')
  await expect(payout.getByText('The minimum purchase is $500.00.')).toBeVisible()
  // The refusal is the field's: marked on it, and read with it.
  await expect(amount).toHaveAttribute('aria-invalid', 'true')
  await expect(amount).toHaveAccessibleDescription(/^The minimum purchase is \$500\.00\./)
  await amount.fill('1,000')
  await expect(amount).not.toHaveAttribute('aria-invalid')

  await expect(payout.getByRole('link', { name: 'Log in' })).toBeVisible()
})

test('an amount typed before the page has loaded its scripts is kept, and previewed', async ({
  page,
}) => {
  const expected = await fetchPreview(70_000)
  // The page's scripts arrive late, as on a slow connection: the investor types meanwhile.
  let release = () => {}
  const scriptsHeld = new Promise<void>((resolve) => {
    release = resolve
  })
  await page.route('**/_app/immutable/**/*.js', async (route) => {
    await scriptsHeld
    await route.continue()
  })
  await page.goto(`/offerings/${slug}`, { waitUntil: 'domcontentloaded' })
  const amount = page.getByLabel('Amount to invest (USD)')
  await amount.fill('700')
  release()

  const payout = page.getByRole('region', { name: 'What you would be paid' })
  await expect(payout.getByText(usd(expected.totalCents))).toBeVisible()
  await expect(amount).toHaveValue('700')
  await expect(payout.getByRole('link', { name: 'Log in' })).toBeVisible()
})

test('pressing Enter in the amount keeps the keyboard and a phone screen where they were', async ({
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto(`/offerings/${slug}`, { waitUntil: 'networkidle' })
  const amount = page.getByLabel('Amount to invest (USD)')
  await amount.fill('2,000')
  // On a phone the preview sits below the terms, so the page is scrolled down to reach it.
  const scrolled = await page.evaluate(() => window.scrollY)
  expect(scrolled).toBeGreaterThan(0)
  await amount.press('Enter')

  await expect(page).toHaveURL(/amount=2%2C000/)
  await expect(amount).toBeFocused()
  expect(await page.evaluate(() => window.scrollY)).toBe(scrolled)
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('a visitor previews the payout of an offering', async ({ page }) => {
    const expected = await fetchPreview(250_000)
    await page.goto(`/offerings/${slug}`)
    await page.getByLabel('Amount to invest (USD)').fill('$2,500')
    await page.getByRole('button', { name: 'Show payout' }).click()

    await expect(page).toHaveURL(/amount=%242%2C500/)
    const payout = page.getByRole('region', { name: 'What you would be paid' })
    await expect(payout.getByText(usd(expected.totalCents))).toBeVisible()
  })

  test('an amount the preview refuses is marked on its field', async ({ page }) => {
    await page.goto(`/offerings/${slug}?amount=120`)

    const amount = page.getByLabel('Amount to invest (USD)')
    await expect(amount).toHaveAttribute('aria-invalid', 'true')
    await expect(amount).toHaveAccessibleDescription(/^The minimum purchase is \$500\.00\./)
  })
})
