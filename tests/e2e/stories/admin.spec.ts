import { readFileSync } from 'node:fs'
import { createClient } from '@libsql/client'
import { demoAccounts } from '../../../api/src/cli/demo.ts'
import { e2ePaths, e2eUrls } from '../ports.ts'
import {
  createDraft,
  grantAdminRole,
  openAdminWindow,
  openSecondAdminWindow,
  publishDraftPage,
} from './support/admin.ts'
import { linkBankWithChooser } from './support/banks.ts'
import { moveClock, resetClock } from './support/clock.ts'
import { confirmStep } from './support/confirm.ts'
import { expect, test } from './support/fixtures.ts'
import { createInvestor } from './support/investors.ts'

test.describe('with an approved investor', () => {
  test.use({ kycApproved: true })

  test('an admin publishes an offering that an investor then buys', async ({
    page,
    browser,
    investor,
  }) => {
    const slug = `story-3m-${Date.now()}`
    const admin = await openAdminWindow(browser)
    try {
      await createDraft(admin.page, slug, 'Story 3-Month Note')
      // A draft is invisible to investors.
      expect((await page.goto(`/offerings/${slug}`))?.status()).toBe(404)

      await confirmStep(admin.page, 'Publish offering…', 'Yes, ask to publish it')
      await expect(
        admin.page.getByText('Requested. Another administrator must approve it'),
      ).toBeVisible()
      await expect(
        admin.page.getByText('Publishing is waiting for a second administrator'),
      ).toBeVisible()
      // Asked, not yet published: investors still cannot see it.
      expect((await page.goto(`/offerings/${slug}`))?.status()).toBe(404)
    } finally {
      await admin.close()
    }

    // A second administrator approves it, seeing the terms it goes live on.
    const { page: second, close } = await openSecondAdminWindow(browser)
    try {
      await second.goto('/admin/approvals', { waitUntil: 'networkidle' })
      const request = second.getByRole('listitem').filter({ hasText: 'Story 3-Month Note' })
      await expect(request).toContainText('Publish an offering')
      await expect(request).toContainText('3 months')
      await request.locator('summary', { hasText: 'Approve…' }).click()
      await expect(request).toContainText('Publish Story 3-Month Note now, on the terms shown?')
      await request.getByRole('button', { name: 'Approve and carry out', exact: true }).click()
      await expect(second.getByRole('status')).toContainText('Published: on sale now')
    } finally {
      await close()
    }

    await linkBankWithChooser(page, 'First Platypus Bank')
    await page.goto(`/offerings/${slug}`, { waitUntil: 'networkidle' })
    await expect(page.getByRole('heading', { name: 'Story 3-Month Note' })).toBeVisible()
    await page.getByLabel('Amount to invest (USD)').fill('1,000')
    await page.getByRole('link', { name: 'Buy this note' }).click()
    await page.waitForLoadState('networkidle')
    await page.getByRole('radio', { name: /Checking ending 0000/ }).check()
    await page.getByRole('button', { name: 'Review purchase' }).click()
    await page.waitForLoadState('networkidle')
    await page.getByLabel(/I authorize Tenor to debit \$1,000\.00 once, by ACH/).check()
    await page.getByRole('button', { name: 'Buy for $1,000.00' }).click()
    await expect(page).toHaveURL(/\/purchases\/[^/]+$/)
    await expect(page.getByRole('heading', { name: 'Pending' })).toBeVisible()

    // The admin finds the purchase, its history, and the same list as CSV.
    const again = await openAdminWindow(browser)
    try {
      await again.page.goto('/admin/purchases', { waitUntil: 'networkidle' })
      await again.page.getByLabel("Investor's email").fill(investor.email)
      await again.page.getByRole('button', { name: 'Search' }).click()
      await expect(again.page).toHaveURL(/[?&]email=/)
      const row = again.page.getByRole('row').filter({ hasText: 'Story 3-Month Note' })
      await expect(row).toContainText('$1,000.00')

      const download = again.page.waitForEvent('download')
      await again.page.getByRole('link', { name: 'Export these as CSV' }).click()
      const csv = readFileSync((await (await download).path()) ?? '', 'utf8')
      expect(csv).toContain(investor.email)
      expect(csv).toContain('Story 3-Month Note,1000.00,')

      await row.getByRole('link').first().click()
      await expect(again.page.getByRole('heading', { name: 'State history' })).toBeVisible()
      await expect(
        again.page.getByRole('heading', { name: '$1,000.00 of Story 3-Month Note' }),
      ).toBeVisible()
      // The proof of the investor's debit authorization, with the browser it came from.
      const proof = again.page.getByRole('region', { name: 'ACH debit authorization' })
      await expect(proof).toContainText('I authorize Tenor to debit $1,000.00 once, by ACH')
      await expect(proof).toContainText('Chrome')
    } finally {
      await again.close()
    }
  })
})

test('an admin whose purchase filter cannot be read is told which one and offered no export', async ({
  browser,
}) => {
  const admin = await openAdminWindow(browser)
  const { page } = admin
  try {
    await page.goto('/admin/purchases', { waitUntil: 'networkidle' })
    await page.getByLabel('Amount from ($)').fill('abc')
    await page.getByRole('button', { name: 'Search' }).click()
    await expect(page.getByLabel('Amount from ($)')).toHaveAttribute('aria-invalid', 'true')
    await expect(page.getByText('Enter an amount in dollars, like 1,000.')).toBeVisible()
    await expect(page.getByText('These filters cannot be searched.')).toBeVisible()
    await expect(page.getByText(/^No purchases/)).toHaveCount(0)
    await expect(page.getByRole('link', { name: 'Export these as CSV' })).toHaveCount(0)

    // A filter only the API can judge is named beside its field as well.
    await page.goto('/admin/purchases?from=9999-12-31', { waitUntil: 'networkidle' })
    await expect(page.getByLabel('Bought from')).toHaveAttribute('aria-invalid', 'true')
    await expect(page.getByText('Use a date from 2000 to 2199.')).toBeVisible()
    await expect(page.getByRole('link', { name: 'Export these as CSV' })).toHaveCount(0)

    // An offering id that names no offering is not read as "no purchases".
    await page.goto('/admin/purchases?offeringId=0190f6b4-0000-7000-8000-000000000000', {
      waitUntil: 'networkidle',
    })
    await expect(page.getByLabel('Offering')).toHaveAttribute('aria-invalid', 'true')
    await expect(page.getByText('No offering has this id. Choose one from the list.')).toBeVisible()
    await expect(page.getByText(/^No purchases/)).toHaveCount(0)

    // An edited export address goes back to the search, which says what is wrong.
    await page.goto('/admin/purchases.csv?state=bogus', { waitUntil: 'networkidle' })
    await expect(page).toHaveURL(/\/admin\/purchases\?state=bogus$/)
    await expect(page.getByLabel('State')).toHaveAttribute('aria-invalid', 'true')
    await expect(page.getByText('Choose a state from the list.')).toBeVisible()
  } finally {
    await admin.close()
  }
})

test('a new offering left empty names every field at once, each in words for what is missing', async ({
  browser,
}) => {
  const admin = await openAdminWindow(browser)
  const { page } = admin
  try {
    await page.goto('/admin/offerings/new', { waitUntil: 'networkidle' })
    // The interest is the administrator's to choose; the usual day count is chosen already.
    await expect(page.getByLabel('Interest type', { exact: true })).toHaveValue('')
    await expect(page.getByLabel('Day count')).toHaveValue('act_365f')
    await page.getByLabel('Day count').selectOption('')
    await page.getByLabel('Rate (% a year)').fill('150')
    await page.getByRole('button', { name: 'Save draft' }).click()

    const said = async (label: string, message: string) => {
      await expect(page.getByLabel(label, { exact: true })).toHaveAttribute('aria-invalid', 'true')
      await expect(page.getByLabel(label, { exact: true })).toHaveAccessibleDescription(
        new RegExp(`^${message.replace(/[.%]/g, '\\$&')}`),
      )
    }
    await said('Name', 'Fill this in.')
    await said('Interest type', 'Choose simple interest or how often it compounds.')
    await said('Day count', 'Choose how days are counted.')
    // Out of range, not unreadable: the API's bound is named.
    await said('Rate (% a year)', 'At most 50%.')
    await said('Opens on', 'Enter the date it opens.')
    await said('Closes on', 'Enter the date it closes.')
    await expect(page.getByText(/YYYY-MM-DD/)).toHaveCount(0)
  } finally {
    await admin.close()
  }
})

test('an approval form with an id no approval can have is refused, not an error of ours', async ({
  browser,
}) => {
  const admin = await openAdminWindow(browser)
  try {
    for (const action of ['withdraw', 'approve', 'reject']) {
      const res = await admin.page.request.post(`/admin/approvals?/${action}`, {
        headers: { origin: e2eUrls.web, accept: 'text/html' },
        form: { approvalId: 'a'.repeat(65), reason: 'Edited form' },
      })
      expect(res.status(), action).toBe(422)
    }
  } finally {
    await admin.close()
  }
})

test('an admin asks to cancel an offering and a second admin approves it', async ({ browser }) => {
  const slug = `story-cancel-${Date.now()}`
  // Unique: the offerings list may hold this story's offering from an earlier run.
  const name = `Story Unfunded Note ${Date.now()}`
  const admin = await openAdminWindow(browser)
  try {
    await createDraft(admin.page, slug, name)
    await publishDraftPage(admin.page)

    await admin.page.getByLabel('Reason').fill('Not enough investors before the closing date.')
    await admin.page.getByRole('button', { name: 'Ask to cancel' }).click()
    await expect(
      admin.page.getByText('Requested. Another administrator must approve it.'),
    ).toBeVisible()

    // The one who asked cannot approve.
    await admin.page
      .getByRole('navigation', { name: 'Admin console' })
      .getByRole('link', { name: 'Approvals' })
      .click()
    await expect(admin.page.getByText('Your request')).toBeVisible()
    await expect(admin.page.locator('summary', { hasText: 'Approve…' })).toHaveCount(0)
  } finally {
    await admin.close()
  }

  const { page: second, close } = await openSecondAdminWindow(browser)
  try {
    await second.goto('/admin/approvals', { waitUntil: 'networkidle' })
    const request = second.getByRole('listitem').filter({ hasText: name })
    await expect(request).toContainText('Not enough investors before the closing date.')
    await confirmStep(request, 'Approve…', 'Approve and carry out')
    await expect(request).toHaveCount(0)
    await expect(second.getByRole('status')).toContainText('Decided')
    // Said once, by the notice; the list of earlier requests has a heading of its own.
    await expect(second.getByText('Decided', { exact: true })).toHaveCount(1)
    await expect(second.getByRole('heading', { name: 'Past decisions' })).toBeVisible()

    const adminNav = second.getByRole('navigation', { name: 'Admin console' })
    await adminNav.getByRole('link', { name: 'Offerings' }).click()
    await expect(second).toHaveURL(/\/admin\/offerings$/)
    const row = second.getByRole('row').filter({ hasText: name })
    await expect(row).toContainText('Cancelled')
  } finally {
    await close()
  }
})

test('making an administrator waits for a second one to approve it', async ({ browser }) => {
  const future = await createInvestor('Future Colleague')
  const admin = await openAdminWindow(browser)
  try {
    await admin.page.goto(`/admin/users?query=${encodeURIComponent(future.email)}`)
    await admin.page.getByRole('link', { name: 'Future Colleague' }).click()
    await admin.page.getByRole('button', { name: 'Make administrator' }).click()
    await expect(
      admin.page.getByText('Requested. Another administrator must approve it'),
    ).toBeVisible()
    // Until then they are an investor still, and the page says the request waits.
    await expect(admin.page.getByRole('button', { name: 'Make administrator' })).toHaveCount(0)
    await expect(
      admin.page.getByText('Making them an administrator is waiting for a second administrator'),
    ).toBeVisible()
  } finally {
    await admin.close()
  }

  const { page: second, close } = await openSecondAdminWindow(browser)
  try {
    await second.goto('/admin/approvals', { waitUntil: 'networkidle' })
    const request = second.getByRole('listitem').filter({ hasText: future.email })
    await expect(request).toContainText('Make an account an administrator')
    // The role can be revoked on the account's page: the question does not say otherwise.
    await expect(request).toContainText('An administrator can revoke the role later')
    await expect(request).not.toContainText('It cannot be undone')
    await confirmStep(request, 'Approve…', 'Approve and carry out')
    await expect(request).toHaveCount(0)
    await second.goto(`/admin/users?query=${encodeURIComponent(future.email)}`)
    await second.getByRole('link', { name: 'Future Colleague' }).click()
    await expect(second.locator('summary', { hasText: 'Revoke admin role…' })).toBeVisible()
  } finally {
    await close()
  }
})

test('an account approved when it was made says so, not that its details are still to come', async ({
  browser,
}) => {
  const admin = await openAdminWindow(browser)
  try {
    const { email, legalName } = demoAccounts.admin
    await admin.page.goto(`/admin/users?query=${encodeURIComponent(email)}`)
    await admin.page.getByRole('link', { name: legalName }).click()
    const check = admin.page.getByRole('region', { name: /^Identity check/ })
    await expect(check).toContainText('Approved when the account was made, with the demo data')
    await expect(check).not.toContainText('They have not sent their details yet')
  } finally {
    await admin.close()
  }
})

test('a request is turned down without a reason, the reason being optional', async ({
  browser,
}) => {
  const hopeful = await createInvestor('Hopeful Colleague')
  const admin = await openAdminWindow(browser)
  try {
    await admin.page.goto(`/admin/users?query=${encodeURIComponent(hopeful.email)}`)
    await admin.page.getByRole('link', { name: 'Hopeful Colleague' }).click()
    await admin.page.getByRole('button', { name: 'Make administrator' }).click()
    await expect(
      admin.page.getByText('Requested. Another administrator must approve it'),
    ).toBeVisible()
  } finally {
    await admin.close()
  }

  const { page: second, close } = await openSecondAdminWindow(browser)
  try {
    await second.goto('/admin/approvals', { waitUntil: 'networkidle' })
    const request = second.getByRole('listitem').filter({ hasText: hopeful.email })
    await expect(request.getByLabel(/Why turn it down/)).not.toHaveAttribute('required')
    await request.getByRole('button', { name: 'Turn down' }).click()
    await expect(request).toHaveCount(0)
    const decided = second.getByRole('region', { name: 'Past decisions' })
    await expect(decided.getByRole('row').filter({ hasText: hopeful.email })).toContainText(
      'Turned down',
    )
  } finally {
    await close()
  }
})

test('an admin without two-factor is asked to turn it on before the console opens', async ({
  browser,
}) => {
  const investor = await createInvestor('Future Admin')
  // Made an administrator, but without two-factor yet.
  grantAdminRole(investor)

  const context = await browser.newContext()
  try {
    await context.addCookies([
      {
        name: 'tenor_session',
        value: investor.sessionToken,
        url: e2eUrls.web,
        httpOnly: true,
        sameSite: 'Lax',
      },
    ])
    const page = await context.newPage()
    await page.goto('/admin/users')
    await expect(page.getByRole('heading', { name: 'Two-factor required' })).toBeVisible()
    await page.getByRole('link', { name: 'Set up two-factor' }).click()
    await expect(page.getByRole('heading', { name: 'Two-factor authentication' })).toBeVisible()
  } finally {
    await context.close()
  }
})

/** Marks the newest email to `address` as one the worker gave up on; answers its id. */
async function giveUpOnEmailTo(address: string): Promise<string> {
  const client = createClient({ url: `file:${e2ePaths.database}` })
  try {
    // The running API and worker write to the same file; wait for their lock rather than fail.
    await client.execute('pragma busy_timeout = 5000')
    const found = await client.execute({
      sql: `update outbox_messages set status = 'failed', attempts = 8,
              last_error = 'Postmark did not answer'
            where id = (select id from outbox_messages where to_address = ?
                        order by created_at desc limit 1)
            returning id`,
      args: [address],
    })
    return String(found.rows[0]?.id)
  } finally {
    client.close()
  }
}

test('an email the worker gave up on is sent again from the operations page', async ({
  browser,
  investor,
}) => {
  await giveUpOnEmailTo(investor.email)
  const admin = await openAdminWindow(browser)
  try {
    await admin.page.goto('/admin/operations')
    const failed = admin.page.getByRole('region', { name: 'Failed emails' })
    const row = failed.getByRole('row').filter({ hasText: investor.email })
    await expect(row).toContainText('Postmark did not answer')

    await row.getByRole('button', { name: /^Send again/ }).click()

    await expect(failed.getByText('Back in the outbox')).toBeVisible()
    // The keyboard is where the confirmation is, not back at the page's top.
    await expect(failed.getByRole('status')).toBeFocused()
    await expect(failed.getByRole('row').filter({ hasText: investor.email })).toHaveCount(0)
    await admin.page.goto('/admin/audit')
    await expect(admin.page.getByText('Sent an undelivered email again').first()).toBeVisible()
  } finally {
    await admin.close()
  }
})

test('the operations page says which of its times follow a moved development clock', async ({
  browser,
}) => {
  const admin = await openAdminWindow(browser)
  try {
    await admin.page.goto('/admin/operations')
    await expect(admin.page.getByRole('heading', { name: 'Worker runs' })).toBeVisible()
    await expect(admin.page.getByText('The development clock is')).toHaveCount(0)

    await moveClock(3)
    await admin.page.reload()
    await expect(admin.page.getByRole('status')).toContainText(
      'The development clock is 3 days ahead. Worker runs and the last ledger check show when they really ran',
    )
  } finally {
    await resetClock()
    await admin.close()
  }
})
