import { readFileSync } from 'node:fs'
import { createClient } from '@libsql/client'
import type { Page } from '@playwright/test'
import { e2ePaths } from '../ports.ts'
import { adminApiToken, isoDay, postJson, publishByApi } from './support/admin.ts'
import { linkBankWithChooser } from './support/banks.ts'
import { confirmStep } from './support/confirm.ts'
import { expect, test } from './support/fixtures.ts'
import { startAnotherSession } from './support/investors.ts'
import { findNewTransfer, listStandInTransfers, simulateTransfer } from './support/plaid.ts'
import { buyThousand } from './support/purchases.ts'

// Buying needs an approved identity check: the fixture sends one and the demo admin approves it.
test.use({ kycApproved: true })

/** Plaid's custom sandbox user: one checking account holding $100. */
const hundredDollarLogin = {
  username: 'user_custom',
  password: '{"override_accounts":[{"starting_balance":100,"meta":{"mask":"9999"}}]}',
}

/** From the amount-and-account step to the review step, for the account whose name matches. */
async function reviewPurchase(page: Page, slug: string, amount: string, account: RegExp) {
  await page.goto(`/offerings/${slug}/buy`, { waitUntil: 'networkidle' })
  await page.getByLabel('Amount to invest (USD)').fill(amount)
  await page.getByRole('radio', { name: account }).check()
  await page.getByRole('button', { name: 'Review purchase' }).click()
  await expect(page.getByRole('heading', { name: 'Review your purchase' })).toBeVisible()
  await page.waitForLoadState('networkidle')
}

/** Sets an offering's rate in the database, as an approved rate change would. */
async function setOfferingRate(offeringId: string, rateBps: number): Promise<void> {
  const client = createClient({ url: `file:${e2ePaths.database}` })
  try {
    // The running API and worker write to the same file; wait for their lock rather than fail.
    // Blocking is harmless here: this client serves only the story, never a request.
    await client.execute('pragma busy_timeout = 5000')
    await client.execute({
      sql: 'update offerings set rate_bps = ? where id = ?',
      args: [rateBps, offeringId],
    })
  } finally {
    client.close()
  }
}

const history = (page: Page) =>
  page.getByRole('region', { name: 'Purchase history' }).getByRole('row')

test('an investor buys a note and sees it pending', async ({ page, investor: _ }) => {
  await linkBankWithChooser(page, 'First Platypus Bank')

  await page.goto('/offerings/series-a-6m', { waitUntil: 'networkidle' })
  await page.getByLabel('Amount to invest (USD)').fill('1,500')
  await expect(page.getByText('$1,500.00').first()).toBeVisible()
  await page.getByRole('link', { name: 'Buy this note' }).click()

  await expect(page.getByLabel('Amount to invest (USD)')).toHaveValue('1,500')
  await page.waitForLoadState('networkidle')
  await page.getByRole('radio', { name: /Checking ending 0000/ }).check()
  await page.getByRole('button', { name: 'Review purchase' }).click()

  const review = page.getByRole('region', { name: 'Review your purchase' })
  await expect(review).toContainText('$1,500.00')
  await expect(review).toContainText('First Platypus Bank')
  await expect(review.getByText('Maturity date', { exact: true })).toBeVisible()
  // The note's own rate beside its APY, in the offering page's words.
  await expect(review).toContainText('5.25% a year, simple interest, Actual/365 Fixed')
  await page.waitForLoadState('networkidle')
  await page.getByRole('button', { name: 'Buy for $1,500.00' }).click()
  await expect(page.getByText('Tick the box to authorize the debit')).toBeVisible()

  const transfersBefore = listStandInTransfers()
  const consent = page.getByLabel(/I authorize Tenor to debit \$1,500\.00 once, by ACH/)
  const agreed = (await page.locator('label[for="consent"]').textContent()) ?? ''
  await consent.check()
  await page.getByRole('button', { name: 'Buy for $1,500.00' }).dblclick()

  await expect(page).toHaveURL(/\/purchases\/[^/]+$/)
  await expect(page.getByRole('heading', { name: 'Pending' })).toBeVisible()
  await expect(page.getByRole('region', { name: 'Details' })).toContainText(
    '5.25% a year, simple interest, Actual/365 Fixed',
  )
  const purchasePath = new URL(page.url()).pathname
  // Back to the review after buying: buying from it again shows that purchase, not a second.
  await page.goBack()
  await expect(page.getByRole('button', { name: 'Buy for $1,500.00' })).toBeVisible()
  await page.waitForLoadState('networkidle')
  await consent.check()
  await page.getByRole('button', { name: 'Buy for $1,500.00' }).click()
  await expect(page.getByText('You had already bought this')).toBeVisible()
  expect(new URL(page.url()).pathname).toBe(purchasePath)
  // Cancelling asks first; changing one's mind there leaves the purchase as it was.
  const cancelStep = page.locator('summary', { hasText: 'Cancel this purchase…' })
  await cancelStep.click()
  await expect(page.getByText('Cancel your purchase of $1,500.00?')).toBeVisible()
  await page.locator('summary', { hasText: 'Keep this purchase' }).click()
  await expect(page.getByRole('button', { name: 'Yes, cancel the purchase' })).toBeHidden()
  await expect(cancelStep).toBeVisible()
  // The authorization kept with the purchase is, word for word, the one ticked.
  await page.getByText('The debit authorization you gave').click()
  await expect(page.locator('.authorization blockquote')).toHaveText(agreed)

  // The bank posts the debit; the open page follows without being reloaded.
  await simulateTransfer(findNewTransfer(transfersBefore), 'posted')
  await expect(page.getByRole('heading', { name: 'Debit sent to your bank' })).toBeVisible({
    timeout: 20_000,
  })
  await expect(page.locator('summary', { hasText: 'Cancel this purchase…' })).toHaveCount(0)

  await page.getByRole('link', { name: 'Portfolio' }).first().click()
  await expect(page.getByText('Invested now')).toBeVisible()
  await expect(history(page)).toHaveCount(2)
  await expect(history(page).nth(1)).toContainText('Debit sent to your bank')

  const download = page.waitForEvent('download')
  await page.getByRole('link', { name: 'Download statement (CSV)' }).click()
  const statement = await download
  expect(statement.suggestedFilename()).toMatch(/^tenor-statement-.+\.csv$/)
  expect(readFileSync((await statement.path()) ?? '', 'utf8')).toContain('Series A 6-Month Note')
})

test('an amount the order step refuses takes the keyboard to it', async ({ page, investor: _ }) => {
  await linkBankWithChooser(page, 'First Platypus Bank')
  await page.goto('/offerings/series-a-6m/buy', { waitUntil: 'networkidle' })
  const amount = page.getByLabel('Amount to invest (USD)')
  await amount.fill('20')
  await amount.press('Enter')

  await expect(amount).toHaveAccessibleDescription(/^The minimum purchase is \$500\.00\./)
  await expect(amount).toBeFocused()
})

test('an investor who cancels from the keyboard is taken to the confirmation', async ({
  page,
  investor: _,
}) => {
  await buyThousand(page, 'series-a-6m')
  await page.waitForLoadState('networkidle')
  await page.locator('summary', { hasText: 'Cancel this purchase…' }).press('Enter')
  await page.getByRole('button', { name: 'Yes, cancel the purchase' }).press('Enter')

  // The page stays and the form leaves it: focus goes to what the page now says, not to its top.
  const confirmation = page.getByRole('status').filter({ hasText: 'Your purchase is cancelled.' })
  await expect(confirmation).toBeFocused()
})

test('a review opened again for another amount after buying buys nothing, and offers a new order', async ({
  page,
  investor: _,
}) => {
  await linkBankWithChooser(page, 'First Platypus Bank')
  await reviewPurchase(page, 'series-a-6m', '1,000', /Checking ending 0000/)
  const review = new URL(page.url())
  await page.getByLabel(/I authorize Tenor to debit \$1,000\.00 once/).check()
  await page.getByRole('button', { name: 'Buy for $1,000.00' }).click()
  await expect(page.getByRole('heading', { name: 'Pending' })).toBeVisible()
  const first = new URL(page.url()).pathname

  // The review's address, which keeps the order's key, opened again for another amount.
  review.searchParams.set('amount', '2000')
  const buyFromUsedReview = async () => {
    await page.goto(review.toString(), { waitUntil: 'networkidle' })
    await page.getByLabel(/I authorize Tenor to debit \$2,000\.00 once/).check()
    await page.getByRole('button', { name: 'Buy for $2,000.00' }).click()
  }
  const transfersBefore = listStandInTransfers()
  await buyFromUsedReview()

  // Not "already bought" as if it were this order, and nothing bought: the order it was used
  // for is named, and a new one is offered.
  const notice = page.getByRole('status').filter({ hasText: 'already placed from this page' })
  await expect(notice).toContainText('was ordered from this page before. Nothing more was bought.')
  await expect(notice.getByRole('link', { name: /\$1,000\.00 of/ })).toHaveAttribute('href', first)
  await expect(page.getByRole('button', { name: 'Buy for $2,000.00' })).toHaveCount(0)
  // However often that review is used again, it buys nothing.
  await buyFromUsedReview()
  await expect(notice).toBeVisible()
  expect(listStandInTransfers()).toEqual(transfersBefore)

  await notice.getByRole('link', { name: 'Start a new order for $2,000.00' }).click()
  await expect(page.getByLabel('Amount to invest (USD)')).toHaveValue('2000')
  await page.waitForLoadState('networkidle')
  await page.getByRole('radio', { name: /Checking ending 0000/ }).check()
  await page.getByRole('button', { name: 'Review purchase' }).click()
  await page.waitForLoadState('networkidle')
  await page.getByLabel(/I authorize Tenor to debit \$2,000\.00 once/).check()
  await page.getByRole('button', { name: 'Buy for $2,000.00' }).click()

  await expect(page.getByRole('heading', { name: 'Pending' })).toBeVisible()
  await expect(page.getByText('$2,000.00, bought')).toBeVisible()
  await page.goto('/portfolio')
  await expect(history(page)).toHaveCount(3)
})

test('an address that cannot name a purchase or an offering is the 404 page', async ({
  page,
  investor: _,
}) => {
  for (const path of [`/purchases/${'a'.repeat(65)}`, `/offerings/${'x'.repeat(300)}`]) {
    const response = await page.goto(path)
    expect(response?.status()).toBe(404)
    await expect(page.getByRole('heading', { name: 'We cannot find that page' })).toBeVisible()
  }
})

test('a purchase is refused for insufficient funds', async ({ page, investor: _ }) => {
  await linkBankWithChooser(page, 'First Platypus Bank', hundredDollarLogin)

  // On a phone, where the refusal sits below the fold of the review it comes back to.
  await page.setViewportSize({ width: 390, height: 844 })
  await reviewPurchase(page, 'series-a-6m', '500', /ending 9999/)
  const firstReview = page.url()
  await page.getByLabel(/I authorize Tenor to debit \$500\.00/).check()
  await page.getByRole('button', { name: 'Buy for $500.00' }).click()

  const refusal = page.getByRole('alert')
  await expect(refusal).toContainText('The purchase did not go through')
  await expect(refusal).toContainText('balance is not enough')
  await expect(refusal).toContainText('No money moved')
  await expect(page.getByRole('heading', { name: 'Review your purchase' })).toBeVisible()
  // The refusal is on screen and focused, so it is what is read and seen first.
  await expect(refusal).toBeFocused()
  await expect(refusal).toBeInViewport({ ratio: 1 })

  // Trying again from the same review asks the bank again (a new purchase), not the old answer,
  // and takes a new authorization.
  await page.waitForLoadState('networkidle')
  await expect(page.getByLabel(/I authorize Tenor to debit \$500\.00/)).not.toBeChecked()
  await page.getByLabel(/I authorize Tenor to debit \$500\.00/).check()
  await page.getByRole('button', { name: 'Buy for $500.00' }).click()
  await expect(refusal).toContainText('balance is not enough')
  await expect(refusal).toBeFocused()
  await page.goto('/portfolio')
  // The header row and two declined purchases.
  await expect(history(page)).toHaveCount(3)

  // The first review's address with another amount: its key's purchase was declined, so this is
  // a new order from a review, not a trip to the declined purchase.
  const edited = new URL(firstReview)
  edited.searchParams.set('amount', '600')
  await page.goto(edited.toString(), { waitUntil: 'networkidle' })
  await page.getByLabel(/I authorize Tenor to debit \$600\.00/).check()
  await page.getByRole('button', { name: 'Buy for $600.00' }).click()
  await expect(page).toHaveURL(/[?&]declined=/)
  await expect(page.getByRole('heading', { name: 'Review your purchase' })).toBeVisible()
  await expect(page.getByLabel(/I authorize Tenor to debit \$600\.00/)).not.toBeChecked()
})

test('an investor whose session ended elsewhere is told so, and signs in back to the review', async ({
  page,
  investor,
}) => {
  await linkBankWithChooser(page, 'First Platypus Bank')
  await reviewPurchase(page, 'series-a-6m', '1,000', /Checking ending 0000/)
  const review = new URL(page.url())

  // "Log out everywhere" from another device ends this browser's session too.
  await postJson('/auth/logout-all', await startAnotherSession(investor), {})
  await page.getByLabel(/I authorize Tenor to debit \$1,000\.00 once, by ACH/).check()
  await page.getByRole('button', { name: 'Buy for $1,000.00' }).click()

  await expect(page.getByRole('heading', { name: 'Log in' })).toBeVisible()
  await expect(page.getByRole('status')).toHaveText('Your session ended. Log in again to continue.')
  // The way back is the review page itself, not the form's action, and only a path here.
  const next = new URL(new URL(page.url()).searchParams.get('next') ?? '', review)
  expect(next.origin).toBe(review.origin)
  expect(next.pathname).toBe(review.pathname)
  expect([...next.searchParams].sort()).toEqual([...review.searchParams].sort())

  await page.waitForLoadState('networkidle')
  await page.getByLabel('Email address').fill(investor.email)
  await page.getByLabel('Password').fill(investor.password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await expect(page.getByRole('heading', { name: 'Review your purchase' })).toBeVisible()
  expect(new URL(page.url()).searchParams.get('step')).toBe('review')
  expect(new URL(page.url()).searchParams.get('key')).toBe(review.searchParams.get('key'))
})

test('a rate changed during the review is refused, and the review then shows the new terms', async ({
  page,
  investor: _,
}) => {
  const slug = `story-rate-${Date.now()}`
  const token = await adminApiToken()
  const { offering } = (await postJson('/admin/offerings', token, {
    slug,
    name: 'Story Rate Note',
    issuer: 'Tenor Funding II LLC',
    description: 'A note whose rate changes while an investor reviews it.',
    rateBps: 550,
    rateType: 'simple',
    compounding: null,
    dayCount: 'act_365f',
    termMonths: 3,
    capacityCents: 10_000_000,
    minPurchaseCents: 50_000,
    maxPurchaseCents: 1_000_000,
    incrementCents: 10_000,
    opensOn: isoDay(0),
    closesOn: isoDay(30),
  })) as { offering: { id: string } }
  await publishByApi(offering.id)
  await linkBankWithChooser(page, 'First Platypus Bank')
  await reviewPurchase(page, slug, '1,000', /Checking ending 0000/)
  const interest = page
    .getByRole('term')
    .filter({ hasText: /^Interest$/ })
    .locator('xpath=following-sibling::dd')
  const before = await interest.textContent()

  // Approved by two administrators meanwhile; written straight to the database for brevity.
  await setOfferingRate(offering.id, 600)
  await page.getByLabel(/I authorize Tenor to debit \$1,000\.00 once, by ACH/).check()
  await page.getByRole('button', { name: 'Buy for $1,000.00' }).click()
  await expect(page.getByRole('alert')).toContainText('changed from 5.50% to 6.00%')
  await expect(interest).not.toHaveText(before ?? '')

  // The terms on screen are the new ones, so the next press buys.
  await page.getByRole('button', { name: 'Buy for $1,000.00' }).click()
  await expect(page).toHaveURL(/\/purchases\/[^/]+$/)
})

test('removing the bank a note pays into says so first, and the note then says where its money waits', async ({
  page,
  investor: _,
}) => {
  await buyThousand(page, 'series-a-6m')
  const note = page.url()
  await page.goto('/banks', { waitUntil: 'networkidle' })
  await page.getByRole('link', { name: 'Remove First Platypus Bank' }).click()
  await expect(page.getByText('One of your notes pays out to it at maturity.')).toBeVisible()
  // Its debit is not yet taken: removing the bank does not stop it, and the purchase can go.
  await expect(page.getByRole('status').filter({ hasText: 'still to come' })).toContainText(
    'A debit of $1,000.00 for notes you bought has not settled yet. Removing the bank does not stop it: if you no longer want a note, cancel its purchase from your portfolio first.',
  )
  await page.getByRole('button', { name: 'Remove First Platypus Bank' }).click()
  await expect(page).toHaveURL(/\/banks\?done=removed$/)

  await page.goto(note)
  await expect(page.getByRole('region', { name: 'Details' })).toContainText(
    'The bank account it pays out to is no longer linked, so anything paid out waits for you to choose an account to receive it.',
  )
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('a resent purchase form buys one note, which the investor then cancels', async ({
    page,
    investor: _,
    baseURL,
  }) => {
    await linkBankWithChooser(page, 'Tartan Bank')
    await reviewPurchase(page, 'series-b-12m', '700', /Saving ending 1111/)
    await page.getByLabel(/I authorize Tenor to debit \$700\.00/).check()

    // What the browser would send again on a reload or a second press (Chromium folds a double
    // click into one submission, so the resend is made by hand): the same fields, same key.
    const buy = page.getByRole('button', { name: 'Buy for $700.00' })
    const form = page.locator('form[method="POST"]', { has: buy })
    const action = new URL((await form.getAttribute('action')) ?? '', page.url()).toString()
    const fields: Record<string, string> = { consent: 'yes' }
    for (const input of await form.locator('input[type="hidden"]').all()) {
      fields[(await input.getAttribute('name')) ?? ''] = await input.inputValue()
    }
    expect(Object.keys(fields)).toContain('idempotencyKey')

    await buy.click()
    await expect(page.getByRole('heading', { name: 'Pending' })).toBeVisible()
    const purchasePath = new URL(page.url()).pathname

    const resent = await page.request.post(action, {
      form: fields,
      headers: { origin: baseURL ?? '', accept: 'text/html' },
      maxRedirects: 0,
    })
    expect(resent.status()).toBe(303)
    expect(resent.headers().location).toBe(`${purchasePath}?already=bought`)

    // An edited key (one no header can carry) is refused as a form to review again, not an
    // error page; nothing is bought.
    const edited = await page.request.post(action, {
      form: { ...fields, idempotencyKey: 'site-ké€y' },
      headers: { origin: baseURL ?? '', accept: 'text/html' },
      maxRedirects: 0,
    })
    expect(edited.status()).toBe(400)
    expect(await edited.text()).toContain('Review your purchase again, then buy.')

    await confirmStep(page, 'Cancel this purchase…', 'Yes, cancel the purchase')
    await expect(page.getByRole('heading', { name: 'Cancelled' })).toBeVisible()
    await expect(page.getByText('Your purchase is cancelled.')).toBeVisible()
    // Answered with a redirect: a reload shows the page again instead of posting once more.
    await expect(page).toHaveURL(new RegExp(`${purchasePath}\\?done=cancelled$`))

    await page.goto('/portfolio')
    await expect(history(page)).toHaveCount(2)
    await expect(history(page).nth(1)).toContainText('Cancelled')
  })
})
