/**
 * The demo investor's first note, so that a first look at the portfolio shows one earning
 * interest rather than an empty page. Made once, through the API as the site makes one: a bank
 * linked in the local chooser, a $1,000 purchase of an open offering, and the bank settling its
 * debit. An investor who has bought anything before is left as they are.
 */
import { demoAccounts } from '../api/src/cli/demo.ts'

type Call = (path: string, body?: unknown, headers?: Record<string, string>) => Promise<unknown>

/** Answers what it did, in a line for the start's output. */
export async function addDemoHolding(apiUrl: string): Promise<string> {
  let token = ''
  const call: Call = async (path, body, headers = {}) => {
    const response = await fetch(new URL(path, apiUrl), {
      method: body === undefined ? 'GET' : 'POST',
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    })
    if (!response.ok) throw new Error(`${path} answered ${response.status}`)
    return response.json()
  }

  const { investor } = demoAccounts
  ;({ token } = (await call('/auth/login', {
    email: investor.email,
    password: investor.password,
  })) as { token: string })
  try {
    return await buyFirstNote(call)
  } finally {
    // Signed out again, so the investor's sessions list shows only their own browsers.
    await call('/auth/logout', {}).catch(() => {})
  }
}

async function buyFirstNote(call: Call): Promise<string> {
  const { portfolio } = (await call('/portfolio')) as { portfolio: { history: unknown[] } }
  if (portfolio.history.length > 0) return 'the demo investor has bought before'

  const { linkToken } = (await call('/banks/link-token', {})) as { linkToken: string }
  const link = (await call('/dev/plaid/link', {
    linkToken,
    institutionId: 'ins_109508',
    username: 'user_good',
    password: 'pass_good',
  })) as { publicToken: string; institution: { id: string }; accounts: unknown[] }
  const { bank } = (await call('/banks', {
    publicToken: link.publicToken,
    institutionId: link.institution.id,
    accounts: link.accounts,
  })) as { bank: { accounts: { id: string; canFund: boolean }[] } }
  const account = bank.accounts.find((candidate) => candidate.canFund)
  if (!account) return 'the demo bank has no account that can pay'

  const { offerings } = (await call('/offerings')) as {
    offerings: { id: string; name: string; openForPurchase: boolean; soldOut: boolean }[]
  }
  const offering = offerings.find((candidate) => candidate.openForPurchase && !candidate.soldOut)
  if (!offering) return 'no offering is open to buy'
  const { purchase } = (await call(
    '/purchases',
    { offeringId: offering.id, bankAccountId: account.id, amountCents: 100_000, consent: true },
    { 'idempotency-key': 'demo-investor-first-note' },
  )) as { purchase: { id: string } }
  await call('/dev/bank', { purchaseId: purchase.id, transfer: 'debit', event: 'settled' })

  return `the demo investor holds $1,000.00 of ${offering.name}, earning interest`
}
