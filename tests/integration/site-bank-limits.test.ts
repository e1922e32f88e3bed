import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import type { ApiClient } from '../../web/src/lib/server/api.ts'
import { createLinkToken, finishLink, markReconnected } from '../../web/src/lib/server/banks.ts'
import { createTestApp, type TestApp } from '../support/app.ts'
import { signUp } from '../support/users.ts'

/**
 * The site's bank steps against the real API once the hourly limit on bank links is spent: the
 * API's 429 is the investor's to read ("try again in …"), not an error page.
 */
let t: TestApp
let api: ApiClient
let token: string
beforeEach(async () => {
  t = await createTestApp()
  ;({ token } = await signUp(t, 'ada@example.com'))
  // The two calls these steps make, sent to the API in-process as the site's client sends them.
  const post = (path: string, json: unknown) => t.request(path, { json, token })
  api = {
    banks: {
      $post: ({ json }: { json: unknown }) => post('/banks', json),
      'link-token': { $post: ({ json }: { json: unknown }) => post('/banks/link-token', json) },
      ':itemId': {
        reconnected: {
          $post: ({ param, json }: { param: { itemId: string }; json: unknown }) =>
            post(`/banks/${param.itemId}/reconnected`, json),
        },
      },
    },
  } as unknown as ApiClient
  // Twenty tries spend the hour's budget (each counts, refused or not).
  for (let i = 0; i < 20; i++) {
    const res = await t.request('/banks', { json: { publicToken: '' }, token })
    expect(res.status).not.toBe(429)
  }
})
afterEach(() => t.close())

const linkResult = {
  publicToken: 'public-sandbox-00000000-0000-0000-0000-000000000000',
  institutionId: 'ins_109508',
  accounts: [{ name: 'Plaid Checking', mask: '0000' }],
}

describe('bank steps past the hourly limit', () => {
  test('finishing a link answers the limit as a refusal', async () => {
    const outcome = await finishLink(api, linkResult)
    expect(outcome).toMatchObject({ ok: false, problem: { status: 429, code: 'rate_limited' } })
  })

  test('confirming a reconnection answers the limit as a refusal', async () => {
    const outcome = await markReconnected(api, 'no-such-bank')
    expect(outcome).toMatchObject({ ok: false, problem: { status: 429, code: 'rate_limited' } })
  })

  // The chooser asks for one on every sign-in to a sandbox bank, and Plaid Link on every visit
  // to the link and reconnect pages: ten an hour, after which the page says how long to wait.
  test('asking for a Link token answers its own limit as a refusal', async () => {
    // Refused ones count too; asking about a bank that is not linked is refused without Plaid.
    for (let i = 0; i < 10; i++) {
      const res = await t.request('/banks/link-token', { json: { itemId: 'no-such-bank' }, token })
      expect(res.status).toBe(404)
    }
    const outcome = await createLinkToken(api, 'no-such-bank')
    expect(outcome).toMatchObject({ ok: false, problem: { status: 429, code: 'rate_limited' } })
  })
})
