import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { openAccessToken } from '@tenor/api/plaid/banks'
import { PlaidFailure } from '@tenor/api/plaid/errors'
import { linkItem } from '@tenor/api/plaid/link-item'
import { plaidItems } from '@tenor/db/schema'
import { createPlaidClient } from '../standins/plaid/testing.ts'
import { createPlaidTestApp, type PlaidTestApp } from '../support/plaid.ts'
import { signUp } from '../support/users.ts'

// A bank linked twice, in turn or at once: Plaid makes an item each time; Tenor keeps one.
let t: PlaidTestApp
let token: string

beforeEach(async () => {
  t = await createPlaidTestApp()
  token = (await signUp(t, 'ada@example.com')).token
})
afterEach(() => t.close())

describe('linking the same bank twice', () => {
  type LinkResult = {
    publicToken: string
    institution: { id: string }
    accounts: { name: string; mask: string | null }[]
  }

  /** Plaid Link's onSuccess, for a new bank or (with `itemId`) in update mode. */
  async function completeLink(itemId?: string): Promise<LinkResult> {
    const created = await t.request('/banks/link-token', { json: itemId ? { itemId } : {}, token })
    const { linkToken } = (await created.json()) as { linkToken: string }
    const completed = await t.request('/dev/plaid/link', {
      json: {
        linkToken,
        institutionId: 'ins_109508',
        username: 'user_good',
        password: 'pass_good',
      },
    })
    expect(completed.status).toBe(200)
    return (await completed.json()) as LinkResult
  }

  const finishLink = (link: LinkResult, from: 'link' | 'nothing' = 'link') =>
    t.request('/banks', {
      json: {
        publicToken: link.publicToken,
        // Link may not say which institution or accounts; then only Plaid can tell.
        institutionId: from === 'link' ? link.institution.id : null,
        accounts: from === 'link' ? link.accounts : [],
      },
      token,
    })

  /** Whether the stored connection still answers at Plaid. */
  async function storedLinkWorks(): Promise<boolean> {
    const rows = await t.db.database.db.select().from(plaidItems)
    expect(rows).toHaveLength(1)
    const [row] = rows
    if (!row) return false
    const accessToken = openAccessToken(row, t.deps.env.encryptionKeys)
    const answer = await createPlaidClient(t.plaid.url)
      .itemGet({ access_token: accessToken })
      .then(() => true)
      .catch(() => false)
    return answer
  }

  const codeOf = async (res: Response) =>
    ((await res.json()) as { error: { code: string } }).error.code

  test('two identical POST /banks at once link it once and keep the stored link working', async () => {
    const link = await completeLink()

    const answers = await Promise.all([finishLink(link), finishLink(link)])

    expect(answers.map((res) => res.status).sort()).toEqual([201, 409])
    const refused = answers.find((res) => res.status === 409)
    expect(['duplicate_bank', 'bank_link_used']).toContain(await codeOf(refused as Response))
    expect(t.plaid.calls('/item/remove')).toHaveLength(0)
    expect(await storedLinkWorks()).toBeTrue()
  })

  test('a public token already exchanged is refused with a clear 409', async () => {
    const link = await completeLink()
    expect((await finishLink(link)).status).toBe(201)

    // Sent again (a retried form, say), without the details that would stop it earlier.
    const again = await finishLink(link, 'nothing')

    expect(again.status).toBe(409)
    expect(await codeOf(again)).toBe('bank_link_used')
    expect(t.plaid.calls('/item/remove')).toHaveLength(0)
    expect(await storedLinkWorks()).toBeTrue()
  })

  test('a second link Link did not describe is refused after the exchange, and only it is removed', async () => {
    expect((await finishLink(await completeLink())).status).toBe(201)

    const again = await finishLink(await completeLink(), 'nothing')

    expect(again.status).toBe(409)
    expect(await codeOf(again)).toBe('duplicate_bank')
    expect(t.plaid.calls('/item/remove')).toHaveLength(1)
    expect(await storedLinkWorks()).toBeTrue()
  })

  test('two links of one bank at once store one; the other is removed at Plaid', async () => {
    const links = await Promise.all([completeLink(), completeLink()])

    const answers = await Promise.all(links.map((link) => finishLink(link, 'nothing')))

    expect(answers.map((res) => res.status).sort()).toEqual([201, 409])
    expect(await codeOf(answers.find((res) => res.status === 409) as Response)).toBe(
      'duplicate_bank',
    )
    expect(t.plaid.calls('/item/remove')).toHaveLength(1)
    expect(await storedLinkWorks()).toBeTrue()
  })

  test('the public token of a bank already stored never removes it at Plaid', async () => {
    const first = await finishLink(await completeLink())
    const { bank } = (await first.json()) as { bank: { id: string } }

    // Update mode hands over a public token for the item we hold; it is not for POST /banks.
    const again = await finishLink(await completeLink(bank.id), 'nothing')

    expect(again.status).toBe(409)
    expect(await codeOf(again)).toBe('duplicate_bank')
    expect(t.plaid.calls('/item/remove')).toHaveLength(0)
    expect(await storedLinkWorks()).toBeTrue()
  })

  test('a failure to store answers 500 with its own cause, and removes only the unstored link', async () => {
    await t.db.database.client.execute(`create trigger refuse_items before insert on plaid_items
      begin select raise(abort, 'items refused'); end`)
    const link = await completeLink()

    const res = await finishLink(link)

    expect(res.status).toBe(500)
    expect(await codeOf(res)).toBe('internal_error')
    expect(t.plaid.calls('/item/remove')).toHaveLength(1)
    expect(await t.db.database.db.$count(plaidItems)).toBe(0)
    // What reaches the final error handler, and its log line, is the database's own error.
    const thrown = await linkItem(t.deps, {
      userId: (await t.db.database.db.query.users.findFirst())?.id ?? '',
      publicToken: (await completeLink()).publicToken,
      now: t.clock.now(),
    }).catch((error: unknown) => error)
    expect(thrown).not.toBeInstanceOf(PlaidFailure)
    expect(String((thrown as Error).cause)).toContain('items refused')
    expect(t.plaid.calls('/item/remove')).toHaveLength(2)
  })
})
