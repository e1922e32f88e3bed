import type { Page } from '@playwright/test'
import { openAdminWindow } from './support/admin.ts'
import { moveClock, resetClock } from './support/clock.ts'
import { expect, test } from './support/fixtures.ts'
import { simulateTransfer } from './support/plaid.ts'
import { buyAndSettle, buySettledNote } from './support/purchases.ts'

// Buying needs an approved identity check: the fixture sends one and the demo admin approves it.
test.use({ kycApproved: true })

const panel = (page: Page) => page.getByRole('region', { name: 'What happens at maturity' })
const details = (page: Page) => page.getByRole('region', { name: 'Details' })
const rollTo = 'Offering to roll over into'

const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August'].concat([
  'September',
  'October',
  'November',
  'December',
])

/** "March 9, 2026" moved by whole days, in the same words. */
function moveWordedDate(words: string, days: number): string {
  const [, month = '', day = '', year = ''] = /^(\w+) (\d+), (\d+)$/.exec(words.trim()) ?? []
  const date = new Date(Date.UTC(Number(year), months.indexOf(month), Number(day) + days))

  return `${months[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}`
}

/** The last day to change: the day before the cut-off, five days before maturity. */
async function expectCutOffShown(page: Page) {
  const maturity = await details(page)
    .getByText('Maturity date', { exact: true })
    .locator('xpath=following-sibling::dd')
    .textContent()
  const lastDay = moveWordedDate(maturity ?? '', -6)
  await expect(panel(page)).toContainText(`You can change this until ${lastDay}`)
}

test('an investor rolls a note over into another offering and sees it', async ({
  page,
  browser,
  investor: _,
}) => {
  const purchaseId = await buyAndSettle(page, 'series-a-6m')
  await expect(details(page)).toContainText('Principal and interest paid to your bank')
  await expectCutOffShown(page)

  // A rollover needs an offering: the form says so next to the field.
  await panel(page).getByRole('radio', { name: 'Roll principal and interest over' }).check()
  await page.getByRole('button', { name: 'Save instruction' }).click()
  await expect(page.getByLabel(rollTo)).toHaveAttribute('aria-invalid', 'true')
  await expect(panel(page)).toContainText('Choose the offering to roll over into.')

  // Only offerings still selling when the note matures are offered, with their rate and term:
  // the demo offerings that close within weeks are not, the rolling one is.
  await expect(page.getByLabel(rollTo).getByRole('option', { name: /^Series B/ })).toHaveCount(0)
  await expect(
    page.getByLabel(rollTo).getByRole('option', {
      name: 'Series R 12-Month Rolling Note: 5.75% for 12 months',
    }),
  ).toHaveCount(1)
  await page.getByLabel(rollTo).selectOption('series-r-12m')
  await page.getByRole('button', { name: 'Save instruction' }).click()

  // Series R sells notes in $100 steps: the cents of interest beyond them are paid out, and
  // the plan says so with the figures the reminder and the email will give.
  const plan =
    /^\$1,0\d0\.00 rolled over into Series R 12-Month Rolling Note at 5\.75%, the other \$\d+\.\d\d paid to your bank$/
  const saved = panel(page).getByRole('status')
  await expect(saved).toHaveText(/Saved\. At maturity: \$1,0\d0\.00 rolled over into Series R/)
  const shown = (await saved.textContent())?.trim().replace(/^Saved\. At maturity: |\.$/g, '') ?? ''
  expect(shown).toMatch(plan)
  await expect(details(page)).toContainText(shown)
  await expect(details(page)).toContainText('Proceeds at maturity')

  // The console's page of the purchase shows the same plan and the note's own rate.
  const admin = await openAdminWindow(browser)
  try {
    await admin.page.goto(`/admin/purchases/${purchaseId}`, { waitUntil: 'networkidle' })
    const facts = admin.page.getByRole('region', { name: 'Purchase' })
    await expect(facts).toContainText(
      shown.replace('paid to your bank', "paid to the investor's bank"),
    )
    await expect(facts).toContainText('5.25% a year, simple interest, Actual/365 Fixed')
  } finally {
    await admin.close()
  }

  // The choice is kept: a fresh visit shows it chosen.
  await page.reload({ waitUntil: 'networkidle' })
  await expect(
    panel(page).getByRole('radio', { name: 'Roll principal and interest over' }),
  ).toBeChecked()
  await expect(page.getByLabel(rollTo)).toHaveValue('series-r-12m')

  // Past the cut-off the choice stays on the page, saying it can no longer change.
  try {
    await moveClock(179)
    await page.reload({ waitUntil: 'networkidle' })
    await expect(panel(page)).toContainText(`${shown}.`)
    await expect(panel(page)).toContainText('Changes closed five days before the note matures.')
    await expect(panel(page).getByRole('button', { name: 'Save instruction' })).toHaveCount(0)
  } finally {
    await resetClock()
  }
})

test('a note nothing open can roll into says it is paid out, with no form that changes nothing', async ({
  page,
  investor: _,
}) => {
  // Series C matures in two years, after every open offering closes.
  await buyAndSettle(page, 'series-c-24m')
  await expect(panel(page)).toContainText(
    /At maturity, on .+: Principal and interest paid to your bank\./,
  )
  await expect(panel(page)).toContainText('so it can only be paid out')
  await expect(panel(page).getByRole('radio')).toHaveCount(0)
  await expect(panel(page).getByRole('button', { name: 'Save instruction' })).toHaveCount(0)
})

test('a note bought by rolling another over says how it was paid and leads back to it', async ({
  page,
  investor: _,
}) => {
  test.slow()
  const { purchaseId: earlier, debit } = await buySettledNote(page, 'series-a-6m')
  await panel(page).getByRole('radio', { name: 'Roll principal and interest over' }).check()
  await page.getByLabel(rollTo).selectOption('series-r-12m')
  await page.getByRole('button', { name: 'Save instruction' }).click()
  await expect(panel(page).getByRole('status')).toContainText('Saved.')

  try {
    // Past its maturity: the worker rolls it into a new Series R note.
    await moveClock(200)
    const rolled = details(page).getByRole('link', { name: /^a new Series R/ })
    await expect(async () => {
      await page.reload({ waitUntil: 'networkidle' })
      await expect(rolled).toBeVisible({ timeout: 2_000 })
    }).toPass({ timeout: 45_000 })
    await rolled.click()
    await expect(
      page.getByRole('heading', { name: 'Series R 12-Month Rolling Note' }),
    ).toBeVisible()

    const status = page.getByRole('region', { name: /Status/ })
    await expect(status).toContainText('Paid for by rolling over your earlier note')
    await expect(status).not.toContainText('Your payment has settled')
    for (const link of [
      status.getByRole('link', { name: 'your earlier note' }),
      details(page).getByRole('link', { name: 'Rolled over from your earlier note' }),
    ]) {
      await expect(link).toHaveAttribute('href', `/purchases/${earlier}`)
    }
    await expect(details(page)).toContainText('5.75% a year, simple interest, Actual/365 Fixed')

    // The bank then takes back the debit that paid for the earlier note: the new note has no
    // money behind it, and its page says it will be held at maturity, not rolled over.
    await simulateTransfer(debit, 'returned', 'R10')
    const alert = page.getByRole('alert').filter({ hasText: 'sent back the payment behind' })
    await expect(async () => {
      await page.reload({ waitUntil: 'networkidle' })
      await expect(alert).toBeVisible({ timeout: 2_000 })
    }).toPass({ timeout: 30_000 })
    await expect(alert).toContainText('will be held, neither rolled over nor paid out')
    await expect(details(page)).toContainText(
      'Held for review: the payment behind this note came back',
    )
  } finally {
    await resetClock()
  }
})

test('a choice refused because changes closed meanwhile leaves the page showing the note as it stands', async ({
  page,
  investor: _,
}) => {
  await buyAndSettle(page, 'series-a-6m')
  await expectCutOffShown(page)

  // The page stays open while the cut-off passes; then the investor chooses.
  try {
    await moveClock(179)
    await panel(page).getByRole('radio', { name: 'Roll principal and interest over' }).check()
    await page.getByLabel(rollTo).selectOption('series-r-12m')
    await page.getByRole('button', { name: 'Save instruction' }).click()

    const refusal = panel(page).getByRole('alert')
    await expect(refusal).toContainText('Your choice was not saved')
    await expect(refusal).toContainText('Instructions for this note closed on')
    await expect(refusal).toBeFocused()
    // The page now says what is true: the saved plan, locked, with nothing left to press.
    await expect(panel(page)).toContainText(
      'Principal and interest paid to your bank. Changes closed five days before the note matures.',
    )
    await expect(panel(page)).not.toContainText('You can change this until')
    await expect(panel(page).getByRole('radio')).toHaveCount(0)
    await expect(panel(page).getByRole('button', { name: 'Save instruction' })).toHaveCount(0)
  } finally {
    await resetClock()
  }
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('an investor rolls the principal over, has the interest paid, then goes back to a payout', async ({
    page,
    investor: _,
  }) => {
    await buyAndSettle(page, 'series-a-6m')

    await panel(page).getByRole('radio', { name: 'Roll the principal over' }).check()
    await page.getByLabel(rollTo).selectOption('series-r-12m')
    await page.getByRole('button', { name: 'Save instruction' }).click()

    const plan =
      'Principal rolled over into Series R 12-Month Rolling Note at 5.75%, interest paid to your bank'
    await expect(panel(page).getByRole('status')).toHaveText(`Saved. At maturity: ${plan}.`)
    await expect(details(page)).toContainText(plan)

    await panel(page).getByRole('radio', { name: 'Pay principal and interest' }).check()
    await page.getByRole('button', { name: 'Save instruction' }).click()
    await expect(panel(page).getByRole('status')).toHaveText(
      'Saved. At maturity: Principal and interest paid to your bank.',
    )
  })
})
