import { ApiError } from '../lib/errors.ts'

/**
 * A Plaid failure reduced to what is safe to keep: the SDK's own error object carries the
 * request headers (PLAID-SECRET) and body (access tokens), so it is never logged or rethrown.
 */
export class PlaidFailure extends Error {
  constructor(
    readonly status: number | null,
    readonly errorType: string,
    readonly errorCode: string,
    readonly requestId: string | null,
    readonly displayMessage: string | null,
  ) {
    super(`Plaid ${errorType}/${errorCode}`)
    this.name = 'PlaidFailure'
  }

  /** Worth retrying: rate limits, Plaid's own failures and network trouble. */
  get transient(): boolean {
    return (
      this.status === null ||
      this.status === 429 ||
      this.status >= 500 ||
      this.errorType === 'RATE_LIMIT_EXCEEDED' ||
      this.errorType === 'API_ERROR' ||
      this.errorCode === 'INSTITUTION_DOWN' ||
      this.errorCode === 'INSTITUTION_NOT_RESPONDING'
    )
  }
}

export function toPlaidFailure(error: unknown): PlaidFailure {
  if (error instanceof PlaidFailure) return error
  if (isHttpClientError(error)) {
    const data = error.response?.data ?? {}
    const text = (key: string) => (typeof data[key] === 'string' ? (data[key] as string) : null)
    return new PlaidFailure(
      error.response?.status ?? null,
      text('error_type') ?? (error.response ? 'UNKNOWN' : 'NETWORK_ERROR'),
      text('error_code') ?? error.code ?? 'UNKNOWN',
      text('request_id'),
      text('display_message'),
    )
  }
  return new PlaidFailure(null, 'NETWORK_ERROR', 'UNKNOWN', null, null)
}

/** Whether an error came from Plaid or the way to it, rather than from our own code. */
export function isPlaidFailure(error: unknown): boolean {
  return error instanceof PlaidFailure || isHttpClientError(error)
}

interface HttpClientError {
  isAxiosError: true
  code?: string
  response?: { status: number; data?: Record<string, unknown> }
}

// The SDK's HTTP client marks its errors; checked by shape so the client stays the SDK's concern.
function isHttpClientError(error: unknown): error is HttpClientError {
  return typeof error === 'object' && error !== null && 'isAxiosError' in error
}

const jitter = (ms: number) => ms / 2 + Math.random() * (ms / 2)

/**
 * Calls Plaid, retrying rate limits and transient failures with exponential backoff and jitter.
 * Only for calls that are safe to repeat (reads, or writes carrying an idempotency key).
 */
export async function callPlaid<T>(
  call: () => Promise<{ data: T }>,
  options: { attempts?: number; baseDelayMs?: number } = {},
): Promise<T> {
  const attempts = options.attempts ?? 3
  const base = options.baseDelayMs ?? 250
  for (let attempt = 1; ; attempt++) {
    try {
      return (await call()).data
    } catch (error) {
      const failure = toPlaidFailure(error)
      if (!failure.transient || attempt >= attempts) throw failure
      await Bun.sleep(jitter(base * 2 ** (attempt - 1)))
    }
  }
}

const userMessages: Record<string, string> = {
  ITEM_LOGIN_REQUIRED: 'Your bank needs you to sign in again. Reconnect the bank to continue.',
  INVALID_CREDENTIALS: 'The bank did not accept those credentials. Check them and try again.',
  INSTITUTION_DOWN: 'Your bank is not answering right now. Try again in a few minutes.',
  INSTITUTION_NOT_RESPONDING: 'Your bank is not answering right now. Try again in a few minutes.',
  RATE_LIMIT: 'Too many bank requests just now. Wait a minute and try again.',
}

/** The API error an investor sees for a Plaid failure: clear words, no internals. */
export function plaidApiError(failure: PlaidFailure): ApiError {
  const message =
    userMessages[failure.errorCode] ??
    (failure.transient
      ? 'The bank connection service is having trouble. Try again shortly.'
      : 'The bank connection could not be completed.')
  return new ApiError(
    failure.transient ? 503 : 400,
    `plaid_${failure.errorCode.toLowerCase()}`,
    message,
  )
}
