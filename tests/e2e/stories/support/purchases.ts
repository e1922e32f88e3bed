import { expect, type Page } from '@playwright/test'
import { linkBankWithChooser } from './banks.ts'
import {
  findNewTransfer,
  listStandInTransfers,
  type StandInTransfer,
  simulateTransfer,
} from './plaid.ts'

/**
 * The investor links a bank (unless `linked` already) and buys $1,000 of the offering through
 * the site's review step; answers the stand-in's transfers from before the purchase, to find
 * its debit among them.
 */
export async function buyThousand(
  page: Page,
  slug: string,
  options: { linked?: boolean } = {},
): Promise<StandInTransfer[]> {
  if (!options.linked) await linkBankWithChooser(page, 'First Platypus Bank')
  await page.goto(`/offerings/${slug}/buy`, { waitUntil: 'networkidle' })
  await page.getByLabel('Amount to invest (USD)').fill('1,000')
  await page.getByRole('radio', { name: /Checking ending 0000/ }).check()
  await page.getByRole('button', { name: 'Review purchase' }).click()
  await expect(page.getByRole('heading', { name: 'Review your purchase' })).toBeVisible()
  await page.waitForLoadState('networkidle')
  await page.getByLabel(/I authorize Tenor to debit \$1,000\.00 once, by ACH/).check()
  const debitsBefore = listStandInTransfers()
  await page.getByRole('button', { name: 'Buy for $1,000.00' }).click()
  await expect(page).toHaveURL(/\/purchases\/[^/]+$/)

  return debitsBefore
}

/**
 * The investor buys $1,000 of the offering (`buyThousand`) and the bank settles the debit;
 * answers the purchase's id, with its page open. Works with JavaScript on or off: the page is
 * reloaded until it shows the note active.
 */
export async function buyAndSettle(page: Page, slug: string): Promise<string> {
  return (await buySettledNote(page, slug)).purchaseId
}

/** `buyAndSettle`, answering the stand-in's debit too, for a story that moves it later. */
export async function buySettledNote(
  page: Page,
  slug: string,
): Promise<{ purchaseId: string; debit: StandInTransfer }> {
  const debit = findNewTransfer(await buyThousand(page, slug))
  await simulateTransfer(debit, 'posted')
  await simulateTransfer(debit, 'settled')
  await expect(async () => {
    await page.reload({ waitUntil: 'networkidle' })
    await expect(page.getByRole('heading', { name: 'Active, earning interest' })).toBeVisible({
      timeout: 2_000,
    })
  }).toPass({ timeout: 30_000 })

  return { purchaseId: new URL(page.url()).pathname.split('/').at(-1) ?? '', debit }
}
