import { expect, type Page, test } from '@playwright/test'
import { demoAccounts } from '../../../api/src/cli/demo.ts'

const password = 'a calm orange kayak drifting north'

test('a new investor registers, confirms the emailed link, logs out and back in', async ({
  page,
}) => {
  const email = `new-${Date.now()}@example.com`
  // Typing before the page hydrates would be undone by hydration.
  await page.goto('/register', { waitUntil: 'networkidle' })
  await page.getByLabel('Full legal name').fill('Grace Hopper')
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Open account' }).click()
  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible()
  await expect(page.getByText(`We sent a confirmation link to ${email}`)).toBeVisible()
  // Sent on to a page of its own: reloading it registers nobody again, and the address is said
  // once, not to whoever uses this browser next.
  await expect(page).toHaveURL(/\/register\?sent$/)
  await page.reload()
  await expect(page.getByText('We sent a confirmation link to the address you gave')).toBeVisible()

  // Signed in before confirming, two-factor waits for the confirmed address.
  await logIn(page, email)
  await page.goto('/settings', { waitUntil: 'networkidle' })
  const twoFactor = page.getByRole('region', { name: 'Two-factor authentication' })
  await expect(twoFactor.getByText(/Confirm your email address first/)).toBeVisible()
  await expect(twoFactor.getByRole('button', { name: 'Set up two-factor' })).toHaveCount(0)
  // Nor is a bank linked before then.
  await page.goto('/banks', { waitUntil: 'networkidle' })
  await expect(page.getByText(/First confirm your email address/)).toBeVisible()
  await expect(page.getByRole('link', { name: 'Link a bank' })).toHaveCount(0)
  await page.goto('/banks/link')
  await expect(page).toHaveURL(/\/banks$/)
  await page.getByRole('button', { name: 'Log out', exact: true }).click()
  await expect(page.getByRole('link', { name: 'Log in' }).first()).toBeVisible()

  await page.goto(`/dev/mailbox?to=${encodeURIComponent(email)}`)
  const link = page.getByRole('link', { name: /\/verify-email\?token=/ }).first()
  await link.click()
  await expect(page.getByRole('heading', { name: 'Confirm your email address' })).toBeVisible()
  await page.getByRole('button', { name: 'Confirm email address' }).click()
  await expect(page.getByText(/confirmed/i).first()).toBeVisible()

  await logIn(page, email)
  await page.goto('/settings', { waitUntil: 'networkidle' })
  await expect(twoFactor.getByRole('button', { name: 'Set up two-factor' })).toBeVisible()
  await page.getByRole('button', { name: 'Log out', exact: true }).click()
  await expect(page.getByRole('link', { name: 'Log in' }).first()).toBeVisible()
})

async function logIn(page: Page, email: string): Promise<void> {
  await page.goto('/login', { waitUntil: 'networkidle' })
  await page.getByLabel('Email address').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Log in' }).click()
  await expect(page.getByRole('button', { name: 'Log out', exact: true })).toBeVisible()
}

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('an investor logs in and out', async ({ page }) => {
    await page.goto('/login')
    await page.getByLabel('Email address').fill(demoAccounts.investor.email)
    await page.getByLabel('Password').fill(demoAccounts.investor.password)
    await page.getByRole('button', { name: 'Log in' }).click()
    await expect(page.getByRole('button', { name: 'Log out', exact: true })).toBeVisible()
    await page.getByRole('button', { name: 'Log out', exact: true }).click()
    await expect(page.getByRole('link', { name: 'Log in' }).first()).toBeVisible()
    await expect(page.getByText('You are logged out.')).toBeVisible()
  })

  test('a wrong password keeps the email and says what went wrong', async ({ page }) => {
    await page.goto('/login?next=/portfolio')
    for (let attempt = 0; attempt < 2; attempt++) {
      await page.getByLabel('Email address').fill(demoAccounts.investor.email)
      await page.getByLabel('Password').fill('definitely not the right passphrase')
      await page.getByRole('button', { name: 'Log in' }).click()
      await expect(
        page.getByText(/could not sign you in with that email and password/),
      ).toBeVisible()
      await expect(page.getByLabel('Email address')).toHaveValue(demoAccounts.investor.email)
    }
    // Refused twice, the form still posts to its one action and keeps where to go next.
    const action = await page.locator('form:has(input[name="password"])').getAttribute('action')
    expect(action).toBe('?/password&next=%2Fportfolio')
  })
})

test('a password reset link cut short says so before a new password is typed', async ({ page }) => {
  await page.goto('/reset-password?token=garbage')
  await expect(page.getByText('This link is not one we sent')).toBeVisible()
  await expect(page.getByLabel('New password')).toHaveCount(0)
  await expect(page.getByRole('link', { name: 'Ask for a new link' })).toBeVisible()
})

test('a password reset link that no longer works offers a new one instead of the form', async ({
  page,
}) => {
  // Well formed, but not a link we sent: said when the page opens, before a password is typed.
  await page.goto(`/reset-password?token=${'A'.repeat(43)}`)
  await expect(page.getByText('This link is invalid, already used or expired')).toBeVisible()
  await expect(page.getByLabel('New password')).toHaveCount(0)
  await page.getByRole('link', { name: 'Ask for a new link' }).click()
  await expect(page).toHaveURL(/\/forgot-password$/)
})

test('a form body the site cannot read is refused with 400, not an error of ours', async ({
  request,
  baseURL,
}) => {
  for (const contentType of ['multipart/form-data', 'multipart/form-data; boundary=x']) {
    const res = await request.post('/login?/password', {
      headers: { origin: baseURL ?? '', 'content-type': contentType, accept: 'text/html' },
      data: 'garbage',
    })
    expect(res.status()).toBe(400)
    expect(await res.text()).toContain('The form could not be read')
  }
})

test('a post to the form action name SvelteKit reserves is a missing action, not an error of ours', async ({
  request,
  baseURL,
}) => {
  for (const path of ['/login?/default', '/login?/nothing-here']) {
    const res = await request.post(path, {
      headers: { origin: baseURL ?? '', accept: 'text/html' },
      form: { email: 'ada@example.com' },
    })
    expect(res.status()).toBe(404)
  }
})
