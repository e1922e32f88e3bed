import type { Page } from '@playwright/test'
import { e2eUrls } from '../ports.ts'
import { adminPages, openAdminWindow } from './support/admin.ts'
import { linkBankWithChooser } from './support/banks.ts'
import { expect, test } from './support/fixtures.ts'
import type { Investor } from './support/investors.ts'
import { buyThousand } from './support/purchases.ts'

/**
 * No page scrolls sideways on a phone (390 px, as an iPhone 14 is) or a laptop: wide tables
 * scroll in their own box. A page wider than its window hides its edge and drags the whole
 * page about under a thumb.
 */
async function expectNoSidewaysScroll(page: Page, path: string) {
  await page.goto(path, { waitUntil: 'networkidle' })
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    window: document.documentElement.clientWidth,
  }))
  expect(widths.page, `width of ${path}`).toBeLessThanOrEqual(widths.window)
  // Nor does anything spill out of its card or panel, where the page's width would not show it.
  const spilling = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.card, .panel')]
      .filter((box) => box.scrollWidth > box.clientWidth + 1)
      .map((box) => box.textContent?.trim().slice(0, 60)),
  )
  expect(spilling, `boxes overflowing on ${path}`).toEqual([])
}

/**
 * Every table on the page either fits its box or says it scrolls sideways (the hint above it),
 * never says so when it fits, and no word in it is broken across lines ("Standar/d"); ids may be.
 */
async function expectTablesReadable(page: Page, path: string) {
  await page.goto(path, { waitUntil: 'networkidle' })
  const tables = await page.locator('[role="region"]:has(table)').evaluateAll((regions) =>
    regions.map((region) => {
      const hint = region.previousElementSibling
      const hinted =
        hint?.classList.contains('scroll-hint') === true &&
        getComputedStyle(hint).display !== 'none'
      const broken: string[] = []
      for (const cell of region.querySelectorAll('th, td')) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT)
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          // Ids (set in monospace) may break anywhere; words may not.
          if (node.parentElement?.closest('.mono, code')) continue
          const text = node.textContent ?? ''
          for (const match of text.matchAll(/[^\s-]+/g)) {
            const range = document.createRange()
            range.setStart(node, match.index)
            range.setEnd(node, match.index + match[0].length)
            const lines = new Set([...range.getClientRects()].map((box) => Math.round(box.top)))
            if (lines.size > 1) broken.push(match[0])
          }
        }
      }
      return {
        name: region.getAttribute('aria-label'),
        // Within a pixel: widths in fractions of one round differently (scrollWidth up,
        // clientWidth down), so a table exactly as wide as its box can measure one wider.
        fits: region.scrollWidth <= region.clientWidth + 1,
        hinted,
        broken,
      }
    }),
  )
  for (const table of tables) {
    expect(table.fits || table.hinted, `${table.name} on ${path} fits or says it scrolls`).toBe(
      true,
    )
    expect(table.fits && table.hinted, `${table.name} on ${path} fits yet says it scrolls`).toBe(
      false,
    )
    expect(table.broken, `words broken in ${table.name} on ${path}`).toEqual([])
  }
}

/** The investor's account id, as the console's addresses use it. */
async function findUserId(investor: Investor): Promise<string> {
  const session = await fetch(new URL('/auth/session', e2eUrls.api), {
    headers: { authorization: `Bearer ${investor.sessionToken}` },
  })
  const { user } = (await session.json()) as { user: { id: string } }

  return user.id
}

const phone = { width: 390, height: 844 }
const laptop = { width: 1280, height: 800 }

test('the public and investor pages fit a phone and a laptop', async ({ page, investor: _ }) => {
  await linkBankWithChooser(page, 'First Platypus Bank')
  for (const size of [phone, laptop]) {
    await page.setViewportSize(size)
    for (const path of ['/', '/offerings', '/offerings/series-a-6m', '/banks', '/portfolio']) {
      await expectNoSidewaysScroll(page, path)
      await expectTablesReadable(page, path)
    }
  }
})

test('the admin console fits a phone', async ({ browser }) => {
  const admin = await openAdminWindow(browser)
  try {
    await admin.page.setViewportSize(phone)
    for (const path of adminPages) {
      await expectNoSidewaysScroll(admin.page, path)
      await expectTablesReadable(admin.page, path)
    }
  } finally {
    await admin.close()
  }
})

test('the header\'s links, "Log out" included, sit on one line and one edge', async ({
  page,
  investor: _,
}) => {
  const box = async (name: string) => {
    const item = page
      .getByRole('navigation', { name: 'Main' })
      .getByRole(name === 'Log out' ? 'button' : 'link', { name, exact: true })
    const found = await item.boundingBox()
    if (!found) throw new Error(`no ${name} in the header`)
    return found
  }
  for (const size of [laptop, phone]) {
    await page.setViewportSize(size)
    await page.goto('/portfolio', { waitUntil: 'networkidle' })
    const [first, banks, logOut] = [
      await box('Offerings'),
      await box('Banks'),
      await box('Log out'),
    ]
    expect(logOut.height, `height of "Log out" at ${size.width}`).toBeCloseTo(banks.height, 0)
    if (Math.abs(logOut.y - banks.y) < banks.height / 2) {
      expect(logOut.y, `top of "Log out" at ${size.width}`).toBeCloseTo(banks.y, 0)
    } else {
      // Wrapped to a line of its own, it starts where the first link does.
      expect(logOut.x, `left of "Log out" at ${size.width}`).toBeCloseTo(first.x, 0)
    }
  }
})

test.describe('with an investor who has bought a note', () => {
  test.use({ kycApproved: true })

  test("a purchase's panels, the development bank's included, share one width", async ({
    page,
    investor: _,
  }) => {
    await buyThousand(page, 'series-a-6m')
    await page.setViewportSize(laptop)
    await page.reload({ waitUntil: 'networkidle' })
    await expect(page.getByRole('heading', { name: 'Development: play the bank' })).toBeVisible()
    const panels = await page.locator('main section.panel').evaluateAll((sections) =>
      sections.map((panel) => {
        const { left, right } = panel.getBoundingClientRect()
        return { name: panel.querySelector('h2')?.textContent, edges: `${left}–${right}` }
      }),
    )
    const widths = new Set(panels.map((panel) => panel.edges))
    const edges = panels.map((panel) => `${panel.name} at ${panel.edges}`)
    expect(widths.size, edges.join('\n')).toBe(1)
  })

  test('an account page in the admin console fits a phone', async ({ page, browser, investor }) => {
    // A bank and a purchase, so the page has its tables; the story's address and the account's
    // id are longer than a phone is wide in one line.
    await buyThousand(page, 'series-a-6m')
    const admin = await openAdminWindow(browser)
    try {
      await admin.page.setViewportSize(phone)
      const account = `/admin/users/${await findUserId(investor)}`
      await expectNoSidewaysScroll(admin.page, account)
      await expectTablesReadable(admin.page, account)
      for (const size of [phone, laptop]) {
        await page.setViewportSize(size)
        await expectTablesReadable(page, '/portfolio')
      }

      // On a laptop, the audit trail's addresses sit on one line each: the approval of this
      // investor's identity, by the demo admin, is among them.
      await admin.page.setViewportSize(laptop)
      await admin.page.goto('/admin/audit', { waitUntil: 'networkidle' })
      const who = admin.page
        .getByRole('region', { name: 'Audit trail, newest first' })
        .locator('tbody td:nth-child(2)')
      await expect(who.first()).toContainText('@')
      // The lines each cell's text takes: the distinct tops of the boxes its text is laid in.
      const lines = await who.evaluateAll((cells) =>
        cells.map((cell) => {
          const range = document.createRange()
          range.selectNodeContents(cell)
          return new Set([...range.getClientRects()].map((box) => Math.round(box.top))).size
        }),
      )
      expect(
        lines.every((count) => count === 1),
        `lines per address: ${lines}`,
      ).toBe(true)
    } finally {
      await admin.close()
    }
  })
})

test('the admin console lines up with the header and footer on a laptop', async ({ browser }) => {
  const admin = await openAdminWindow(browser)
  try {
    await admin.page.setViewportSize(laptop)
    for (const path of adminPages) {
      await admin.page.goto(path, { waitUntil: 'networkidle' })
      // Where each box's content starts and ends, inside its padding.
      const edges = (selector: string) =>
        admin.page
          .locator(selector)
          .first()
          .evaluate((box) => {
            const { left, right } = box.getBoundingClientRect()
            const style = getComputedStyle(box)
            return {
              left: left + Number.parseFloat(style.paddingLeft),
              right: right - Number.parseFloat(style.paddingRight),
            }
          })
      const header = await edges('header .bar')
      const content = await edges('.console')
      const footer = await edges('footer .bar')
      expect(content.left, `left edge of ${path}`).toBeCloseTo(header.left, 0)
      expect(content.right, `right edge of ${path}`).toBeCloseTo(header.right, 0)
      expect(footer, `footer of ${path}`).toEqual(header)
    }

    // The offerings table fits whole, its last column included, with no scrolling.
    await admin.page.goto('/admin/offerings', { waitUntil: 'networkidle' })
    const region = admin.page.getByRole('region', { name: 'Offerings, by opening date' })
    const widths = await region.evaluate((box) => ({
      shown: box.clientWidth,
      all: box.scrollWidth,
    }))
    expect(widths.all).toBeLessThanOrEqual(widths.shown)

    // Every box of the console's filters and forms is as tall as a text box, dates and choices
    // included, and the amounts of a new offering each have an example of their own.
    for (const path of ['/admin/purchases', '/admin/offerings/new']) {
      await admin.page.goto(path, { waitUntil: 'networkidle' })
      const heights = await admin.page
        .locator('main form')
        .locator('input:not([type="hidden"], [type="checkbox"], [type="radio"]), select')
        .evaluateAll((boxes) => boxes.map((box) => Math.round(box.getBoundingClientRect().height)))
      expect(new Set(heights).size, `box heights on ${path}: ${heights}`).toBe(1)
    }
    await expect(admin.page.getByLabel('Offering size')).toHaveAccessibleDescription('Like 250,000')
    await expect(admin.page.getByLabel('Minimum purchase')).toHaveAccessibleDescription(
      'Like 1,000',
    )
    await expect(admin.page.getByLabel('In steps of')).toHaveAccessibleDescription('Like 100')

    // Filters with errors stay in line: the boxes of a range side by side, none alone on a row.
    await admin.page.goto('/admin/purchases?from=9999-12-31&to=2000-01-01&min=abc&max=zz', {
      waitUntil: 'networkidle',
    })
    const top = async (label: string) => (await admin.page.getByLabel(label).boundingBox())?.y
    await expect(admin.page.getByLabel('Bought to')).toHaveAttribute('aria-invalid', 'true')
    expect(await top('Bought from')).toBe(await top('Bought to'))
    expect(await top('Amount from ($)')).toBe(await top('Amount to ($)'))
    expect(await top('Bought from')).toBe(await top('Amount to ($)'))
  } finally {
    await admin.close()
  }
})
