import type { ContentfulStatusCode } from 'hono/utils/http-status'

/**
 * An expected failure with a stable machine code. Handlers throw it (or return its envelope);
 * the final error handler turns it into `{ error: { code, message, requestId } }`.
 */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
  }
}

export const notFound = (what = 'resource') =>
  new ApiError(404, 'not_found', `The ${what} was not found.`)
export const unauthorized = () => new ApiError(401, 'unauthenticated', 'Sign in to continue.')
export const forbidden = (message = 'You do not have access to this.') =>
  new ApiError(403, 'forbidden', message)
/** Refused until the account's email address is confirmed; `message` says for what. */
export const emailNotVerified = (message: string) =>
  new ApiError(403, 'email_not_verified', message)
