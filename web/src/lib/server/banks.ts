import type { InferResponseType } from 'hono/client'
import { type ApiClient, type ApiProblem, readProblem, unexpected } from './api.ts'

export type Bank = InferResponseType<ApiClient['banks']['$get'], 200>['banks'][number]
export type BankAccount = Bank['accounts'][number]

/** What Plaid Link (or the local chooser standing in for it) hands over on success. */
export interface LinkResult {
  publicToken: string
  institutionId: string | null
  accounts: { name: string; mask: string | null }[]
}

/**
 * The outcome of a bank step the investor can act on. A refusal carries the API's problem, whose
 * message is written for people (Plaid failures included); other failures are unexpected.
 */
export type BankOutcome<T> = { ok: true; value: T } | { ok: false; problem: ApiProblem }

export async function listBanks(api: ApiClient): Promise<Bank[]> {
  const response = await api.banks.$get()
  if (response.status !== 200) throw unexpected(await readProblem(response))

  return (await response.json()).banks
}

/** One of the investor's banks, or null when it is not theirs or was removed. */
export async function findBank(api: ApiClient, id: string): Promise<Bank | null> {
  const banks = await listBanks(api)
  return banks.find((bank) => bank.id === id) ?? null
}

/** Banks whose login must be repaired before they can be used again. */
export function banksNeedingReconnect(banks: Bank[]): Bank[] {
  return banks.filter((bank) => bank.status === 'needs_reconnect')
}

/** Accounts that can fund a purchase today: checking or savings at a healthy bank. */
export function fundingAccounts(banks: Bank[]): { bank: Bank; account: BankAccount }[] {
  return banks.flatMap((bank) =>
    bank.accounts.filter((account) => account.canFund).map((account) => ({ bank, account })),
  )
}

/** A Link token: new link when `itemId` is absent, update mode for that bank otherwise. */
export async function createLinkToken(
  api: ApiClient,
  itemId?: string,
): Promise<BankOutcome<string>> {
  const response = await api.banks['link-token'].$post({ json: itemId ? { itemId } : {} })
  if (response.status === 200) return { ok: true, value: (await response.json()).linkToken }

  // 429: the hourly limit on Link tokens, which every sign-in to a bank (and, with Plaid Link,
  // every visit to the link and reconnect pages) spends; said with how long to wait. 403: the
  // address is not confirmed yet.
  return refusal(await readProblem(response), [403, 404, 429, 503])
}

/** Exchanges Link's public token for a linked bank. The same step for Plaid Link and the chooser. */
export async function finishLink(api: ApiClient, result: LinkResult): Promise<BankOutcome<Bank>> {
  const response = await api.banks.$post({ json: result })
  if (response.status === 201) return { ok: true, value: (await response.json()).bank }

  // 429: the hourly limit on bank links, said to the investor with how long to wait.
  return refusal(await readProblem(response), [400, 409, 422, 429, 503])
}

/** After update mode succeeds: the API re-checks the item with Plaid and answers its health. */
export async function markReconnected(api: ApiClient, id: string): Promise<BankOutcome<Bank>> {
  const response = await api.banks[':itemId'].reconnected.$post({
    param: { itemId: id },
    json: {},
  })
  if (response.status === 200) return { ok: true, value: (await response.json()).bank }

  return refusal(await readProblem(response), [404, 429, 503])
}

export async function removeBank(api: ApiClient, id: string): Promise<BankOutcome<null>> {
  const response = await api.banks[':itemId'].$delete({ param: { itemId: id }, json: {} })
  if (response.status === 200) return { ok: true, value: null }

  return refusal(await readProblem(response), [404, 503])
}

// Statuses the contract lists for the step are the investor's to see; anything else is ours.
function refusal(problem: ApiProblem, expected: number[]): { ok: false; problem: ApiProblem } {
  if (!expected.includes(problem.status)) throw unexpected(problem)
  return { ok: false, problem }
}
