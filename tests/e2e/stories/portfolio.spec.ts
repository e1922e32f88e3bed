import { expect, test } from './support/fixtures.ts'

test('a new investor sees an empty portfolio that says where to start', async ({
  page,
  investor: _,
}) => {
  await page.goto('/portfolio')

  await expect(page.getByRole('heading', { name: 'Portfolio', level: 1 })).toBeVisible()
  await expect(page.getByText('You do not hold any notes yet.')).toBeVisible()
  // Buying needs an approved identity check: the page says where to start it.
  await expect(page.getByRole('link', { name: 'verify your identity' })).toHaveAttribute(
    'href',
    '/kyc',
  )
  await page.getByRole('link', { name: 'open offerings' }).click()
  await expect(page.getByRole('heading', { name: 'Open offerings', level: 1 })).toBeVisible()
})
