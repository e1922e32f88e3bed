import { readFileSync } from 'node:fs'
import { currentTotpCode } from '../../../api/src/lib/totp.ts'
import { e2eUrls } from '../ports.ts'
import { turnOnTwoFactor } from './support/admin.ts'
import { expect, test } from './support/fixtures.ts'
import { startAnotherSession } from './support/investors.ts'
import { scanQr } from './support/qr.ts'

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

test('an investor turns on two-factor, keeps the recovery codes, and signs in with one', async ({
  page,
  investor,
}) => {
  await page.goto('/settings', { waitUntil: 'networkidle' })
  const section = page.getByRole('region', { name: 'Two-factor authentication' })
  await section.getByRole('button', { name: 'Set up two-factor' }).click()
  // The phone scans the code; the key typed by hand is the same secret.
  const scanned = await scanQr(section.getByRole('img', { name: /QR code/ }))
  const key = new URL(scanned ?? 'otpauth://totp/none').searchParams.get('secret') ?? ''
  expect(key).toMatch(/^[A-Z2-7]{32}$/)
  expect(scanned).toContain('issuer=Tenor')
  expect((await section.locator('.key code').textContent())?.replaceAll(' ', '')).toBe(key)
  // Starting again would make another key: the page says to finish here.
  await expect(
    section.getByText('Finish on this page: starting again makes a new key'),
  ).toBeVisible()
  await section.getByLabel('Password').fill(investor.password)
  await section.getByLabel('Authentication code').fill(currentTotpCode(key, new Date()))
  await section.getByRole('button', { name: 'Turn on two-factor' }).click()

  const codes = section.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem')
  await expect(codes).toHaveCount(10)
  const code = (await codes.first().textContent())?.trim() ?? ''
  expect(code).toMatch(/^[0-9a-z]{5}-[0-9a-z]{5}$/)
  // Saved as a file, the codes are the ten shown.
  const download = page.waitForEvent('download')
  await section.getByRole('link', { name: 'Download as a text file' }).click()
  const saved = readFileSync((await (await download).path()) ?? '', 'utf8')
  const shown = (await codes.allTextContents()).map((text) => text.trim())
  expect(saved.trim().split('\n').slice(-10)).toEqual(shown)

  // Later, without the phone: the password, then a recovery code.
  await page.getByRole('button', { name: 'Log out', exact: true }).click()
  await page.goto('/login?next=/settings', { waitUntil: 'networkidle' })
  await page.getByLabel('Email address').fill(investor.email)
  await page.getByLabel('Password').fill(investor.password)
  await page.getByRole('button', { name: 'Log in' }).click()
  const codeField = page.getByLabel('Authentication or recovery code')
  await expect(codeField).toBeVisible()
  await page.waitForLoadState('networkidle')
  await codeField.fill(code)
  await page.getByRole('button', { name: 'Continue' }).click()
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible()
  await expect(section.getByText('You have 9 unused recovery codes.')).toBeVisible()
  // Shown once: the codes are not on the page again.
  await expect(section.getByRole('list', { name: 'Recovery codes' })).toHaveCount(0)

  // The phone is replaced: two-factor moves to a new app, confirmed with a code from it and,
  // the old phone being gone, another recovery code in place of a code from the old app.
  await page.waitForLoadState('networkidle')
  await section.getByRole('button', { name: 'Move to a new authenticator app' }).click()
  const move = section.getByRole('region', { name: 'Move to a new authenticator app' })
  const newKey = (await move.locator('.key code').textContent())?.replaceAll(' ', '') ?? ''
  expect(newKey).not.toBe(key)
  const confirmMove = async (currentCode: string) => {
    await move.getByLabel('Password').fill(investor.password)
    await move.getByLabel('Code from the new app').fill(currentTotpCode(newKey, new Date()))
    await move.getByLabel('Code from your current app, or a recovery code').fill(currentCode)
    await move.getByRole('button', { name: 'Switch to the new app' }).click()
  }
  // The password and the new app alone move nothing.
  await confirmMove('')
  await expect(
    move.getByLabel('Code from your current app, or a recovery code'),
  ).toHaveAccessibleDescription('Enter a code from your current app, or a recovery code.')
  await confirmMove(shown[1] ?? '')
  await expect(section.getByText('Two-factor now uses your new authenticator.')).toBeVisible()
  await expect(
    section.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem'),
  ).toHaveCount(10)
})

test('setting up two-factor from the keyboard keeps focus on the steps, and a wrong code on it', async ({
  page,
  investor,
}) => {
  await page.goto('/settings', { waitUntil: 'networkidle' })
  const section = page.getByRole('region', { name: 'Two-factor authentication' })
  await section.getByRole('button', { name: 'Set up two-factor' }).press('Enter')
  // The button gives way to the setup steps; focus stays with them, not back at the page's top.
  await expect(section.getByRole('heading', { name: 'Two-factor authentication' })).toBeFocused()
  await section.getByLabel('Password').fill(investor.password)
  const code = section.getByLabel('Authentication code')
  await code.fill('000000')
  await section.getByRole('button', { name: 'Turn on two-factor' }).press('Enter')

  await expect(code).toHaveAttribute('aria-invalid', 'true')
  await expect(code).toBeFocused()
  // The steps stay as they were: the password typed is still there for the next try.
  await expect(section.getByLabel('Password')).toHaveValue(investor.password)
})

test('a new password refused as too short is described by the refusal alone', async ({
  page,
  investor,
}) => {
  await page.goto('/settings', { waitUntil: 'networkidle' })
  const newPasswordField = page.getByLabel('New password')
  await expect(newPasswordField).toHaveAccessibleDescription(
    'At least 15 characters. A few unrelated words make a strong password.',
  )
  await page.getByLabel('Current password').fill(investor.password)
  await newPasswordField.fill('too short')
  await page.getByRole('button', { name: 'Change password' }).click()

  // The refusal says what the hint said, and more: read once, not twice over.
  await expect(newPasswordField).toHaveAccessibleDescription(
    'Use at least 15 characters. A few unrelated words make a strong, memorable password.',
  )
})

test('a waiting email change stays shown after a reload and can be withdrawn', async ({
  page,
  investor,
}) => {
  await page.goto('/settings', { waitUntil: 'networkidle' })
  const section = page.getByRole('region', { name: 'Change email address' })
  const moveTo = `moved-${Date.now()}@example.com`
  await section.getByLabel('New email address').fill(moveTo)
  await section.getByLabel('Your password').fill(investor.password)
  await section.getByRole('button', { name: 'Change email address' }).click()
  await expect(section.getByText('Check your new inbox')).toBeVisible()

  await page.reload({ waitUntil: 'networkidle' })
  await expect(section.getByText(`A change to ${moveTo} waits`)).toBeVisible()
  await section.getByRole('button', { name: 'Withdraw this change' }).click()
  await expect(section.getByText('The change is withdrawn')).toBeVisible()
  await expect(section.getByText(`A change to ${moveTo} waits`)).toHaveCount(0)
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

  test('a move to a new authenticator with a wrong current code is refused and sends no code back', async ({
    page,
    investor,
  }) => {
    const { recoveryCodes } = await turnOnTwoFactor(investor)
    await page.goto('/settings')
    const section = page.getByRole('region', { name: 'Two-factor authentication' })
    await section.getByRole('button', { name: 'Move to a new authenticator app' }).click()
    const move = section.getByRole('region', { name: 'Move to a new authenticator app' })
    const newKey = (await move.locator('.key code').textContent())?.replaceAll(' ', '') ?? ''
    await move.getByLabel('Password').fill(investor.password)
    await move.getByLabel('Code from the new app').fill(currentTotpCode(newKey, new Date()))
    await move.getByLabel('Code from your current app, or a recovery code').fill('zzzzz-zzzzz')
    await move.getByRole('button', { name: 'Switch to the new app' }).click()

    await expect(move.getByText('The password or one of the codes is not right.')).toBeVisible()
    // The same new key is offered again, and nothing typed comes back.
    expect((await move.locator('.key code').textContent())?.replaceAll(' ', '')).toBe(newKey)
    for (const label of ['Password', 'Code from the new app', 'Code from your current app']) {
      await expect(move.getByLabel(label)).toHaveValue('')
    }
    const html = await page.content()
    expect(html).not.toContain('zzzzz-zzzzz')
    expect(html).not.toContain(investor.password)
    // The recovery codes still work: none was used.
    await expect(
      section.getByText(`You have ${recoveryCodes.length} unused recovery codes.`),
    ).toBeVisible()
  })
})

test('logging out everywhere says so at sign-in', async ({ page, investor: _ }) => {
  await page.goto('/settings', { waitUntil: 'networkidle' })
  await page.getByRole('button', { name: 'Log out everywhere' }).click()
  await expect(page).toHaveURL(/\/login\?session=everywhere$/)
  await expect(
    page.getByText('You are logged out on every device, this one included.'),
  ).toBeVisible()
  // The session is gone: the portfolio asks for a sign-in again.
  await page.goto('/portfolio')
  await expect(page).toHaveURL(/\/login/)
})
