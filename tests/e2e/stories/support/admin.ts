import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, expect, type Page } from '@playwright/test'
import { demoAccounts } from '../../../../api/src/cli/demo.ts'
import { currentTotpCode } from '../../../../api/src/lib/totp.ts'
import { e2ePaths, e2eStateDir, e2eUrls } from '../../ports.ts'
import { createInvestor, type Investor } from './investors.ts'

const { admin } = demoAccounts
const stepMs = 30_000
// The API refuses a code from a time step it has already accepted, so every sign-in of the
// demo admin (through the site or the API) takes the next unused step. Kept in a file: a
// failed story restarts Playwright's worker, and with it this module.
const lastStepFile = join(e2eStateDir, 'admin-totp-step')
const sessionFile = join(e2eStateDir, 'admin-session')

/** The demo admin's next unused authenticator code, waiting for a new 30-second step if needed. */
export async function nextAdminCode(): Promise<string> {
  const last = existsSync(lastStepFile) ? Number(readFileSync(lastStepFile, 'utf8')) : -1
  let step = Math.floor(Date.now() / stepMs)
  if (step <= last) {
    await Bun.sleep((last + 1) * stepMs - Date.now() + 250)
    step = Math.floor(Date.now() / stepMs)
  }
  writeFileSync(lastStepFile, String(step))

  return currentTotpCode(admin.totpSecret, new Date(step * stepMs + 1000))
}

/**
 * Logs the demo admin in through the site's two steps: password, then authenticator code; to
 * `next`, or with null to wherever the site lands an administrator.
 */
export async function logInAsAdmin(page: Page, next: string | null = '/admin'): Promise<void> {
  const login = next === null ? '/login' : `/login?next=${encodeURIComponent(next)}`
  await page.goto(login, { waitUntil: 'networkidle' })
  await page.getByLabel('Email address').fill(admin.email)
  await page.getByLabel('Password').fill(admin.password)
  await page.getByRole('button', { name: 'Log in' }).click()

  const code = page.getByLabel('Authentication or recovery code')
  await expect(code).toBeVisible()
  await page.waitForLoadState('networkidle')
  await code.fill(await nextAdminCode())
  await page.getByRole('button', { name: /^(Continue|Verify|Log in)/ }).click()
}

/**
 * An API session of the demo admin with two-factor verified, for fixtures that need an admin's
 * decision without a browser. Reused while it lasts, so codes are not spent on every story.
 */
export async function adminApiToken(): Promise<string> {
  if (existsSync(sessionFile)) {
    const saved = readFileSync(sessionFile, 'utf8')
    const check = await fetch(new URL('/auth/session', e2eUrls.api), {
      headers: { authorization: `Bearer ${saved}` },
    })
    const body = check.ok
      ? ((await check.json()) as { session: { twoFactorVerified: boolean } })
      : null
    if (body?.session.twoFactorVerified) return saved
  }

  const login = await postJson('/auth/login', null, {
    email: admin.email,
    password: admin.password,
  })
  const { token } = login as { token: string }
  await postJson('/auth/login/two-factor', token, { code: await nextAdminCode() })
  writeFileSync(sessionFile, token)
  return token
}

export async function postJson(
  path: string,
  token: string | null,
  body: unknown,
): Promise<unknown> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (token) headers.authorization = `Bearer ${token}`
  const response = await fetch(new URL(path, e2eUrls.api), {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  })
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`)

  return response.json()
}

/**
 * Makes an investor an administrator as operations would with the only admin there is: the
 * `admin:create` command (in the console, a new administrator needs a second one's approval).
 */
export function grantAdminRole(investor: Investor): void {
  const run = spawnSync(
    process.execPath,
    ['api/src/cli/create-admin.ts', '--email', investor.email, '--name', investor.legalName],
    {
      cwd: join(import.meta.dirname, '../../../..'),
      env: { ...process.env, APP_ENV: 'development', DATABASE_URL: `file:${e2ePaths.database}` },
      encoding: 'utf8',
    },
  )
  if (run.status !== 0) throw new Error(`admin:create failed: ${run.stderr}`)
}

/**
 * A second administrator, as approvals need: an investor made an administrator who then turns
 * on two-factor, which verifies their session. Answers that session's token for a cookie.
 */
export async function createSecondAdmin(investor: Investor): Promise<string> {
  grantAdminRole(investor)
  await turnOnTwoFactor(investor)
  return investor.sessionToken
}

/**
 * Turns on two-factor for the investor through the API, as Settings does; their session counts
 * as verified. Answers the authenticator's secret and the recovery codes.
 */
export async function turnOnTwoFactor(
  investor: Investor,
): Promise<{ secret: string; recoveryCodes: string[] }> {
  const setup = (await postJson('/me/two-factor/setup', investor.sessionToken, {})) as {
    secret: string
  }
  const code = currentTotpCode(setup.secret, new Date())
  const enabled = (await postJson('/me/two-factor/enable', investor.sessionToken, {
    code,
    password: investor.password,
  })) as { recoveryCodes: string[] }
  return { secret: setup.secret, recoveryCodes: enabled.recoveryCodes }
}

/**
 * A second administrator, as approvals need, in a browser window of their own: a new investor
 * made an administrator, with two-factor on.
 */
export async function openSecondAdminWindow(
  browser: Browser,
): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext()
  const token = await createSecondAdmin(await createInvestor('Second Admin'))
  await context.addCookies([
    { name: 'tenor_session', value: token, url: e2eUrls.web, httpOnly: true, sameSite: 'Lax' },
  ])
  return { page: await context.newPage(), close: () => context.close() }
}

/**
 * The demo admin in a browser window of their own, with a session already past two-factor.
 * Stories about what admins do start here; the KYC story logs in through the form instead.
 */
export async function openAdminWindow(
  browser: Browser,
): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await browser.newContext()
  await context.addCookies([
    {
      name: 'tenor_session',
      value: await adminApiToken(),
      url: e2eUrls.web,
      httpOnly: true,
      sameSite: 'Lax',
    },
  ])
  const page = await context.newPage()
  await page.goto('/admin')
  await expect(page.getByRole('heading', { name: 'Admin console' })).toBeVisible()
  return { page, close: () => context.close() }
}

/** Every page of the admin console that stands on its own (no id in its address). */
export const adminPages = [
  '/admin',
  '/admin/offerings',
  '/admin/offerings/new',
  '/admin/purchases',
  '/admin/users',
  '/admin/approvals',
  '/admin/operations',
  '/admin/audit',
] as const

/** Today and a date some days ahead, as the date inputs take them (`YYYY-MM-DD`, New York). */
export function isoDay(offsetDays: number): string {
  const day = new Date(Date.now() + offsetDays * 24 * 60 * 60 * 1000)
  return day.toLocaleDateString('en-CA', { timeZone: 'America/New_York' })
}

/** Fills in the offering form and saves a draft; the page is then the draft's own. */
export async function createDraft(
  page: Page,
  slug: string,
  name: string,
  description = 'A three-month note for the stories.',
): Promise<void> {
  await page.goto('/admin/offerings/new', { waitUntil: 'networkidle' })
  await page.getByLabel('Name', { exact: true }).fill(name)
  await page.getByLabel('Address name (slug)').fill(slug)
  await page.getByLabel('Issuer').fill('Tenor Funding II LLC')
  await page.getByLabel('Description').fill(description)
  await page.getByLabel('Rate (% a year)').fill('4.75')
  await page.getByLabel('Term (months)').fill('3')
  await page.getByLabel('Interest type', { exact: true }).selectOption('simple')
  await page.getByLabel('Offering size').fill('100,000')
  await page.getByLabel('Minimum purchase').fill('500')
  await page.getByLabel('Maximum purchase').fill('10,000')
  await page.getByLabel('In steps of').fill('100')
  await page.getByLabel('Opens on').fill(isoDay(0))
  await page.getByLabel('Closes on').fill(isoDay(30))
  await page.getByRole('button', { name: 'Save draft' }).click()
  await expect(page.getByText('Draft saved.')).toBeVisible()
}

/**
 * Publishes a draft through the API as the two administrators it takes: the demo admin asks,
 * a second one approves.
 */
export async function publishByApi(offeringId: string): Promise<void> {
  const asked = (await postJson(
    `/admin/offerings/${offeringId}/publish`,
    await adminApiToken(),
    {},
  )) as { approvalId: string }
  await approveWithSecondAdmin(asked.approvalId)
}

/** A second administrator approves a waiting request through the API; throws unless carried out. */
export async function approveWithSecondAdmin(approvalId: string): Promise<void> {
  const checker = await createSecondAdmin(await createInvestor('Second Admin'))
  const decided = (await postJson(`/admin/approvals/${approvalId}/approve`, checker, {})) as {
    state: string
    result: string
  }
  if (decided.state !== 'executed' || decided.result.startsWith('not applied')) {
    throw new Error(`the request was not carried out: ${decided.result}`)
  }
}

/**
 * On a draft's console page: asks to publish it, then a second administrator approves (through
 * the API), and the page is shown again, published.
 */
export async function publishDraftPage(page: Page): Promise<void> {
  await page.locator('summary', { hasText: 'Publish offering…' }).click()
  await page.getByRole('button', { name: 'Yes, ask to publish it', exact: true }).click()
  await expect(page.getByText('Requested. Another administrator must approve it')).toBeVisible()
  const offeringId = new URL(page.url()).pathname.split('/').at(-1) ?? ''
  const waiting = await fetch(new URL('/admin/approvals?state=pending', e2eUrls.api), {
    headers: { authorization: `Bearer ${await adminApiToken()}` },
  })
  const { approvals } = (await waiting.json()) as {
    approvals: { id: string; action: string; targetId: string }[]
  }
  const request = approvals.find(
    (approval) => approval.action === 'offering.publish' && approval.targetId === offeringId,
  )
  if (!request) throw new Error(`no request to publish ${offeringId} is waiting`)
  await approveWithSecondAdmin(request.id)
  await page.reload({ waitUntil: 'networkidle' })
  await expect(page.getByText('See it as investors do')).toBeVisible()
}
