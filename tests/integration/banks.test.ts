import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { openAccessToken } from '@tenor/api/plaid/banks'
import { bankAccounts, plaidItems, users, webhookEvents } from '@tenor/db/schema'
import { eq, isNull } from 'drizzle-orm'
import { SandboxItemFireWebhookRequestWebhookCodeEnum } from 'plaid'
import { createPlaidClient } from '../standins/plaid/testing.ts'
import { createPlaidTestApp, type PlaidTestApp } from '../support/plaid.ts'
import { signUp } from '../support/users.ts'

let t: PlaidTestApp
let token: string

beforeEach(async () => {
  t = await createPlaidTestApp()
  token = (await signUp(t, 'ada@example.com')).token
})
afterEach(() => t.close())

type BankBody = {
  bank: { id: string; status: string; accounts: { mask: string | null; canFund: boolean }[] }
}

async function firstItem() {
  const row = await t.db.database.db.query.plaidItems.findFirst()
  if (!row) throw new Error('no item stored')
  return row
}

async function waitFor(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 100; i++) {
    if (await check()) return
    await Bun.sleep(20)
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe('linking a bank', () => {
  test('an account whose address is not confirmed links no bank', async () => {
    await t.db.database.db
      .update(users)
      .set({ emailVerifiedAt: null })
      .where(eq(users.email, 'ada@example.com'))
    const res = await t.request('/banks/link-token', { json: {}, token })
    expect(res.status).toBe(403)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(
      'email_not_verified',
    )
    const direct = await t.request('/banks', {
      json: { publicToken: 'public-sandbox-unknown', institutionId: null, accounts: [] },
      token,
    })
    expect(direct.status).toBe(403)
    expect(await t.db.database.db.$count(plaidItems)).toBe(0)
  })

  test('POST /banks stores the item and shows accounts by name and mask only', async () => {
    const res = await t.linkBank(token)
    expect(res.status).toBe(201)
    const { bank } = (await res.json()) as BankBody
    expect(bank.status).toBe('healthy')
    expect(bank.accounts.some((a) => a.canFund)).toBe(true)

    const list = await t.request('/banks', { token })
    const text = await list.text()
    expect(text).not.toContain('access-sandbox')
    // Checking first, then savings, then accounts that cannot pay.
    const { banks } = JSON.parse(text) as { banks: { accounts: { subtype: string | null }[] }[] }
    const subtypes = banks[0]?.accounts.map((account) => account.subtype) ?? []
    expect(subtypes.slice(0, 2)).toEqual(['checking', 'savings'])
    expect(subtypes.slice(2)).not.toContain('checking')
    const row = await firstItem()
    expect(row.accessToken).toStartWith('v1.')
    expect(openAccessToken(row, t.deps.env.encryptionKeys)).toStartWith('access-sandbox-')

    // Its owner is told, naming the accounts by mask only.
    const linked = (await t.mailbox('ada@example.com')).filter((m) => m.kind === 'bank_linked')
    expect(linked).toHaveLength(1)
    // Only the accounts that can move money, by kind and last digits: no card, no full name.
    const usable = bank.accounts.filter((account) => account.canFund)
    for (const account of usable) expect(linked[0]?.text).toContain(`ending ${account.mask}`)
    for (const account of bank.accounts.filter((a) => !a.canFund)) {
      expect(linked[0]?.text).not.toContain(`ending ${account.mask}`)
    }
    expect(linked[0]?.text).not.toMatch(/Plaid (Checking|Saving)/)
    expect(linked[0]?.text).toContain('can now pay for your purchases and receive your payouts')
  })

  test('refuses the same bank twice before exchanging a public token', async () => {
    expect((await t.linkBank(token)).status).toBe(201)
    const exchangesBefore = t.plaid.calls('/item/public_token/exchange').length
    const again = await t.linkBank(token)
    expect(again.status).toBe(409)
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('duplicate_bank')
    expect(t.plaid.calls('/item/public_token/exchange').length).toBe(exchangesBefore)
  })

  test('a wrong bank password gets a clear message and stores nothing', async () => {
    const res = await t.linkBank(token, { password: 'pass_bad' })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { error: { code: string; message: string } }
    expect(body.error.code).toBe('plaid_invalid_credentials')
    expect(body.error.message).toContain('did not accept')
    expect(await t.db.database.db.$count(plaidItems)).toBe(0)
  })

  test('another investor cannot see, reconnect or remove my bank', async () => {
    const { bank } = (await (await t.linkBank(token)).json()) as BankBody
    const other = await signUp(t, 'eve@example.com')
    const list = (await (await t.request('/banks', { token: other.token })).json()) as {
      banks: unknown[]
    }
    expect(list.banks).toEqual([])
    const remove = await t.request(`/banks/${bank.id}`, {
      method: 'DELETE',
      json: {},
      token: other.token,
    })
    const missing = await t.request('/banks/no-such-id', {
      method: 'DELETE',
      json: {},
      token: other.token,
    })
    expect(remove.status).toBe(404)
    expect(await remove.json()).toMatchObject({ error: { code: 'not_found' } })
    expect(missing.status).toBe(404)
  })
})

describe('removing a bank', () => {
  test('calls /item/remove, keeps the row as history, and a repeat removal at Plaid still succeeds', async () => {
    const { bank } = (await (await t.linkBank(token)).json()) as BankBody
    const res = await t.request(`/banks/${bank.id}`, { method: 'DELETE', json: {}, token })
    expect(res.status).toBe(200)
    expect(t.plaid.calls('/item/remove').length).toBe(1)
    const row = await firstItem()
    expect(row.id).toBe(bank.id)
    expect(row.status).toBe('removed')
    const list = (await (await t.request('/banks', { token })).json()) as { banks: unknown[] }
    expect(list.banks).toEqual([])

    const { removeItem } = await import('@tenor/api/plaid/banks')
    await removeItem(t.deps, { ...row, status: 'healthy' }, t.clock.now())
    expect(t.plaid.calls('/item/remove').length).toBe(2)
  })
})

describe('names from the bank', () => {
  test('are stored without characters that hide or reorder text', async () => {
    const created = await t.request('/banks/link-token', { json: {}, token })
    const { linkToken } = (await created.json()) as { linkToken: string }
    // A NUL, a right-to-left override, an isolate; the password field holds 100 characters.
    const account = { meta: { official_name: 'A\u0000B \u202eC\u2066D', mask: '1\u00072' } }
    const completed = await t.request('/dev/plaid/link', {
      json: {
        linkToken,
        institutionId: 'ins_109509',
        username: 'user_custom',
        // The sandbox's custom user is JSON in the password field, which takes plain ASCII.
        password: JSON.stringify({ override_accounts: [account] }).replace(
          /[^\x20-\x7e]/g,
          (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
        ),
      },
    })
    expect(completed.status).toBe(200)
    const link = (await completed.json()) as { publicToken: string; institution: { id: string } }
    const res = await t.request('/banks', {
      // Link's own list only serves to spot a bank linked twice; what is stored comes from Plaid.
      json: { publicToken: link.publicToken, institutionId: link.institution.id, accounts: [] },
      token,
    })
    expect(res.status).toBe(201)

    const stored = await t.db.database.db.query.bankAccounts.findFirst()
    expect(stored).toMatchObject({ name: 'A B C D', mask: '1 2' })
  })
})

describe('item health', () => {
  test('reset login → webhook → needs reconnect, email, update mode → healthy again', async () => {
    const { bank } = (await (await t.linkBank(token)).json()) as BankBody
    const row = await firstItem()
    const resetLogin = async (what: string) => {
      await createPlaidClient(t.plaid.url).sandboxItemResetLogin({
        access_token: openAccessToken(row, t.deps.env.encryptionKeys),
      })
      await t.plaid.settleWebhooks()
      await waitFor(async () => {
        const item = await t.db.database.db.query.plaidItems.findFirst()
        return item?.status === 'needs_reconnect'
      }, what)
    }
    await resetLogin('the item to need reconnecting')

    const mail = await t.mailbox('ada@example.com')
    expect(mail.filter((m) => m.kind === 'bank_reconnect_needed')).toHaveLength(1)
    const list = (await (await t.request('/banks', { token })).json()) as {
      banks: { status: string; accounts: { canFund: boolean }[] }[]
    }
    expect(list.banks[0]?.status).toBe('needs_reconnect')
    expect(list.banks[0]?.accounts.every((a) => !a.canFund)).toBe(true)
    // The session answer every page of the site asks for carries the reminder.
    expect(await banksToReconnect()).toEqual([row.institutionName ?? 'Your bank'])

    const update = await t.request('/banks/link-token', { json: { itemId: bank.id }, token })
    const { linkToken, mode } = (await update.json()) as { linkToken: string; mode: string }
    expect(mode).toBe('update')
    const completed = await t.request('/dev/plaid/link', {
      json: {
        linkToken,
        institutionId: 'ins_109508',
        username: 'user_good',
        password: 'pass_good',
      },
    })
    expect(completed.status).toBe(200)
    const repaired = await t.request(`/banks/${bank.id}/reconnected`, { json: {}, token })
    expect(((await repaired.json()) as BankBody).bank.status).toBe('healthy')
    expect(await banksToReconnect()).toEqual([])

    // The bank resets the login again the same day: Plaid's webhook is byte for byte the first
    // one, and must not be taken for a redelivery of it.
    await resetLogin('the item to need reconnecting again')
    expect(await banksToReconnect()).toHaveLength(1)
  })
})

describe('item health when Plaid no longer knows the item', () => {
  test('an ERROR webhook whose item Plaid has forgotten marks the bank withdrawn, once', async () => {
    await t.linkBank(token)
    const row = await firstItem()
    const sdk = createPlaidClient(t.plaid.url)
    const accessToken = openAccessToken(row, t.deps.env.encryptionKeys)
    await sdk.sandboxItemResetLogin({ access_token: accessToken })
    // Gone at Plaid before the webhook is read: asking Plaid about the item answers
    // ITEM_NOT_FOUND, which is itself the news, not a reason to ask again forever.
    await sdk.itemRemove({ access_token: accessToken })
    await t.plaid.settleWebhooks()
    await waitFor(async () => {
      const item = await t.db.database.db.query.plaidItems.findFirst()
      return item?.status === 'revoked'
    }, 'the item to be marked withdrawn')
    const pending = await t.db.database.db
      .select()
      .from(webhookEvents)
      .where(isNull(webhookEvents.processedAt))
    expect(pending).toEqual([])
  })
})

describe('reconnecting a bank', () => {
  type Accounts = { id: string; mask: string | null; canFund: boolean }[]

  async function reconnect(bankId: string): Promise<Accounts> {
    const res = await t.request(`/banks/${bankId}/reconnected`, { json: {}, token })
    expect(res.status).toBe(200)
    return ((await res.json()) as { bank: { accounts: Accounts } }).bank.accounts
  }

  test('retires accounts Plaid no longer lists and adds the ones it lists now', async () => {
    const { bank } = (await (await t.linkBank(token)).json()) as BankBody
    const [before] = await t.db.database.db
      .select()
      .from(bankAccounts)
      .where(eq(bankAccounts.mask, '0000'))
    if (!before) throw new Error('no checking account stored')
    // Account churn: Plaid now lists the checking account under another id than ours.
    await t.db.database.db
      .update(bankAccounts)
      .set({ plaidAccountId: 'gone0000000000000000000000000000000000' })
      .where(eq(bankAccounts.id, before.id))

    const accounts = await reconnect(bank.id)

    const retired = await t.db.database.db.query.bankAccounts.findFirst({
      where: eq(bankAccounts.id, before.id),
    })
    expect(retired?.status).toBe('removed')
    expect(accounts.some((a) => a.id === before.id)).toBeFalse()
    const checking = accounts.filter((a) => a.mask === '0000')
    expect(checking).toHaveLength(1)
    expect(checking[0]?.canFund).toBeTrue()
  })

  test('brings back an account Plaid lists again, but not one a return closed', async () => {
    const { bank } = (await (await t.linkBank(token)).json()) as BankBody
    const stored = await t.db.database.db.select().from(bankAccounts)
    const checking = stored.find((a) => a.mask === '0000')
    const savings = stored.find((a) => a.mask === '1111')
    if (!checking || !savings) throw new Error('accounts not stored')
    await t.db.database.db
      .update(bankAccounts)
      .set({ status: 'removed' })
      .where(eq(bankAccounts.id, checking.id))
    await t.db.database.db
      .update(bankAccounts)
      .set({ status: 'closed' })
      .where(eq(bankAccounts.id, savings.id))

    const accounts = await reconnect(bank.id)

    expect(accounts.find((a) => a.id === checking.id)?.canFund).toBeTrue()
    expect(accounts.find((a) => a.id === savings.id)?.canFund).toBeFalse()
    expect(await t.db.database.db.$count(bankAccounts)).toBe(stored.length)
  })
})

describe('a revoked bank', () => {
  test('stays revoked whatever Plaid says of the item later; only linking it again brings it back', async () => {
    await t.linkBank(token)
    const row = await firstItem()
    const plaid = createPlaidClient(t.plaid.url)
    const accessToken = openAccessToken(row, t.deps.env.encryptionKeys)
    const fire = async (code: SandboxItemFireWebhookRequestWebhookCodeEnum) => {
      await plaid.sandboxItemFireWebhook({ access_token: accessToken, webhook_code: code })
      await t.plaid.settleWebhooks()
      await t.deps.processWebhooks()
    }

    await fire(SandboxItemFireWebhookRequestWebhookCodeEnum.UserPermissionRevoked)
    expect((await firstItem()).status).toBe('revoked')
    // Replayed or late: a login repaired, a login broken again (Plaid re-read each time).
    await fire(SandboxItemFireWebhookRequestWebhookCodeEnum.LoginRepaired)
    await fire(SandboxItemFireWebhookRequestWebhookCodeEnum.Error)
    await fire(SandboxItemFireWebhookRequestWebhookCodeEnum.LoginRepaired)

    expect((await firstItem()).status).toBe('revoked')
    const list = (await (await t.request('/banks', { token })).json()) as {
      banks: { status: string; accounts: { canFund: boolean }[] }[]
    }
    expect(list.banks[0]?.status).toBe('revoked')
    expect(list.banks[0]?.accounts.every((a) => !a.canFund)).toBe(true)
    // Nor does a call that says it was reconnected, though Plaid reports the item clean.
    const reconnected = await t.request(`/banks/${row.id}/reconnected`, { json: {}, token })
    expect(((await reconnected.json()) as BankBody).bank.status).toBe('revoked')
    expect((await firstItem()).status).toBe('revoked')

    // Linking the same bank again is the way back: it is not refused as a duplicate.
    const again = await t.linkBank(token)
    expect(again.status).toBe(201)
    const mail = await t.mailbox('ada@example.com')
    const [notice] = mail.filter((m) => m.kind === 'bank_reconnect_needed')
    expect(notice?.subject).toBe('Link your bank again to keep using it with Tenor')
  })
})

async function banksToReconnect(): Promise<string[]> {
  const res = await t.request('/auth/session', { token })
  expect(res.status).toBe(200)
  return ((await res.json()) as { banksToReconnect: string[] }).banksToReconnect
}

describe('an OAuth bank', () => {
  test('sends the investor back to the site page named as the redirect, once one is set', async () => {
    const oauth = await createPlaidTestApp({
      PUBLIC_URL: 'https://tenor.test',
      PLAID_REDIRECT_URI: 'https://tenor.test/banks/oauth',
    })
    try {
      const { token: own } = await signUp(oauth, 'bea@example.com')
      const res = await oauth.request('/banks/link-token', { json: {}, token: own })
      expect(res.status).toBe(200)
      const { linkToken } = (await res.json()) as { linkToken: string }
      const state = JSON.parse(readFileSync(oauth.plaidStatePath, 'utf8')) as {
        linkTokens: Record<string, { redirectUri?: string | null }>
      }
      expect(state.linkTokens[linkToken]?.redirectUri).toBe('https://tenor.test/banks/oauth')
    } finally {
      await oauth.close()
    }
    // Without one, Link is opened without a redirect, as before.
    const res = await t.request('/banks/link-token', { json: {}, token })
    const { linkToken } = (await res.json()) as { linkToken: string }
    const state = JSON.parse(readFileSync(t.plaidStatePath, 'utf8')) as {
      linkTokens: Record<string, { redirectUri?: string | null }>
    }
    expect(state.linkTokens[linkToken]?.redirectUri).toBeNull()
  })
})
