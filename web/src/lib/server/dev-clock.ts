import { type ApiClient, type ApiProblem, readProblem, unexpected } from './api.ts'

/** The shared clock the API and the worker read "now" from, and how far it was moved. */
export interface ClockState {
  now: string
  offsetDays: number
}

/** The development clock as the API keeps it (development and test only). */
export async function readClock(api: ApiClient): Promise<ClockState> {
  const response = await api.dev.clock.$get()
  if (response.status !== 200) throw unexpected(await readProblem(response))

  return response.json()
}

/**
 * Moves the shared clock forward, or back to real time. Outside development the API refuses
 * with 409 `clock_fixed`, which comes back as the problem.
 */
export async function moveClock(
  api: ApiClient,
  move: { advanceDays: number } | { reset: true },
): Promise<{ ok: true; clock: ClockState } | { ok: false; problem: ApiProblem }> {
  const response = await api.dev.clock.$post({ json: move })
  if (response.status === 200) return { ok: true, clock: await response.json() }

  const problem = await readProblem(response)
  if (problem.status !== 409 && problem.status !== 422) throw unexpected(problem)
  return { ok: false, problem }
}

/** The investor's next maturity after today, and how many days away it is; null if none. */
export async function findNextMaturity(api: ApiClient): Promise<{
  offeringName: string
  maturityDate: string
  days: number
  /** Repaid early by Tenor: it gets no reminder and offers no choice. */
  repaidEarly: boolean
} | null> {
  const response = await api.portfolio.$get()
  // Moving the clock can end the session between two calls; then there is nothing to show.
  if (response.status === 401) return null
  if (response.status !== 200) throw unexpected(await readProblem(response))

  const { portfolio } = await response.json()
  for (const maturity of portfolio.upcomingMaturities) {
    const days = daysBetween(portfolio.asOf, maturity.maturityDate)
    const holding = portfolio.holdings.find((h) => h.purchaseId === maturity.purchaseId)
    if (days >= 1) return { ...maturity, days, repaidEarly: holding?.repaidEarly ?? false }
  }
  return null
}

/** Whole days from one calendar date to another (`YYYY-MM-DD`), counted in UTC. */
export function daysBetween(from: string, to: string): number {
  const day = 24 * 60 * 60 * 1000
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / day)
}

export type BankMove = { transfer: 'debit' | 'payout'; event: 'posted' | 'settled' | 'returned' }

/**
 * Plays the bank in development: Plaid's sandbox moves a transfer only when asked. A refusal
 * (a move the bank would not make now) comes back as the problem.
 */
export async function moveBank(
  api: ApiClient,
  purchaseId: string,
  move: BankMove,
): Promise<{ ok: true } | { ok: false; problem: ApiProblem }> {
  const response = await api.dev.bank.$post({ json: { purchaseId, ...move } })
  if (response.status === 200) return { ok: true }

  const problem = await readProblem(response)
  if (![400, 404, 409].includes(problem.status)) throw unexpected(problem)
  return { ok: false, problem }
}
