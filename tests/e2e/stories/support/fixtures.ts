import { test as base, expect } from '@playwright/test'
import { e2eUrls } from '../../ports.ts'
import { approveKyc, createInvestor, type Investor } from './investors.ts'
import { forgetBankLinksByAddress } from './rate-limits.ts'

/** Console errors a story tolerates: Chromium's line for each refused form (a 4xx answer). */
const expectedConsoleErrors = [
  /Failed to load resource: the server responded with a status of 4\d\d/,
]

interface Fixtures {
  /** A new investor, signed in to the site in this story's browser. */
  investor: Investor
  /** Whether the investor's identity check (KYC) starts approved; off unless a story buys. */
  kycApproved: boolean
  /** Fails the story on any unexpected console error or Svelte warning; on by default. */
  failOnConsoleErrors: undefined
}

export const test = base.extend<Fixtures>({
  kycApproved: [false, { option: true }],

  investor: async ({ context, kycApproved }, use) => {
    const investor = await createInvestor()
    if (kycApproved) await approveKyc(investor)
    await forgetBankLinksByAddress()
    await context.addCookies([
      {
        name: 'tenor_session',
        value: investor.sessionToken,
        url: e2eUrls.web,
        httpOnly: true,
        sameSite: 'Lax',
      },
    ])
    // Nothing to remove afterwards: the run's database is its own and is deleted with it.
    await use(investor)
  },

  failOnConsoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = []
      page.on('console', (message) => {
        // Svelte's runtime warnings (a link to svelte.dev/e/…) name a real defect too.
        if (message.type() === 'warning' && /svelte\.dev\/e\//.test(message.text())) {
          errors.push(message.text())
          return
        }
        if (message.type() !== 'error') return
        if (expectedConsoleErrors.some((pattern) => pattern.test(message.text()))) return
        errors.push(message.text())
      })
      page.on('pageerror', (error) => errors.push(error.message))
      await use(undefined)
      expect(errors, 'console errors').toEqual([])
    },
    { auto: true },
  ],
})

export { expect }
