import { e2eUrls } from '../ports.ts'
import { expect, test } from './support/fixtures.ts'

/** Puts the shared clock back, whatever the story did, so later stories run on real time. */
async function resetClock() {
  const response = await fetch(new URL('/dev/clock', e2eUrls.api), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ reset: true }),
  })
  if (!response.ok) throw new Error(`clock reset answered ${response.status}`)
}

const longDate = new Intl.DateTimeFormat('en-US', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  timeZone: 'America/New_York',
})

test('moving the clock forward shows the new date', async ({ page }) => {
  test.slow()
  try {
    await page.goto('/')
    await page.getByRole('link', { name: 'clock', exact: true }).click()
    await expect(page.getByRole('heading', { name: 'Development clock' })).toBeVisible()
    await expect(page.getByText('Real time: the clock is not moved ahead.')).toBeVisible()

    const shown = page.getByRole('region', { name: 'Shared time' })
    const now = await shown.locator('time').getAttribute('datetime')
    const tomorrow = longDate.format(new Date(Date.parse(now ?? '') + 24 * 60 * 60 * 1000))
    await page.waitForLoadState('networkidle')
    await page.getByRole('button', { name: 'Forward 1 day' }).click()

    await expect(page.getByText('1 day ahead of real time.')).toBeVisible()
    await expect(page.getByText('The clock moved')).toBeVisible()
    await expect(shown.locator('time')).toContainText(tomorrow)

    await page.getByRole('button', { name: 'Reset to real time' }).click()
    await expect(page.getByText('Real time: the clock is not moved ahead.')).toBeVisible()
    await expect(page.getByRole('status').filter({ hasText: 'Back to real time' })).toBeVisible()
    await expect(page.getByText('The clock moved')).toHaveCount(0)
  } finally {
    await resetClock()
  }
})
