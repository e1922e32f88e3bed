import { type PlaidError, PlaidErrorType } from 'plaid'

/**
 * A refusal in Plaid's own terms. Handlers throw it; the server adds the request_id and sends it
 * with the HTTP status Plaid's error docs show for that code.
 */
export class PlaidApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: PlaidErrorType,
    readonly errorCode: string,
    message: string,
    readonly displayMessage: string | null = null,
  ) {
    super(message)
    this.name = 'PlaidApiError'
  }
}

// Plaid links each error to its docs section, e.g. INVALID_REQUEST → #invalid-request-errors.
function documentationUrl(errorType: PlaidErrorType): string {
  const section = errorType
    .toLowerCase()
    .replace(/_error$/, '')
    .replaceAll('_', '-')
  return `https://plaid.com/docs/?ref=error#${section}-errors`
}

/** The body of an error answer, shaped as Plaid sends it. */
export function toErrorBody(error: PlaidApiError, requestId: string) {
  return {
    display_message: error.displayMessage,
    documentation_url: documentationUrl(error.errorType),
    error_code: error.errorCode,
    error_code_reason: null,
    error_message: error.message,
    error_type: error.errorType,
    request_id: requestId,
    suggested_action: null,
  } satisfies PlaidError
}

/** The error as embedded in an Item or a webhook: no request_id, and webhooks add a status. */
export function toEmbeddedError(error: PlaidApiError, withStatus: boolean): PlaidError {
  const embedded: PlaidError = {
    display_message: error.displayMessage,
    error_code: error.errorCode,
    error_code_reason: null,
    error_message: error.message,
    error_type: error.errorType,
  }
  if (withStatus) embedded.status = error.status

  return embedded
}

export function invalidApiKeys(): PlaidApiError {
  return new PlaidApiError(
    400,
    PlaidErrorType.InvalidInput,
    'INVALID_API_KEYS',
    'invalid client_id or secret provided',
  )
}

export function missingFields(fields: string[]): PlaidApiError {
  return new PlaidApiError(
    400,
    PlaidErrorType.InvalidRequest,
    'MISSING_FIELDS',
    `the following required fields are missing: ${fields.join(', ')}`,
  )
}

export function invalidField(message: string): PlaidApiError {
  return new PlaidApiError(400, PlaidErrorType.InvalidRequest, 'INVALID_FIELD', message)
}

export function invalidBody(): PlaidApiError {
  return new PlaidApiError(
    400,
    PlaidErrorType.InvalidRequest,
    'INVALID_BODY',
    'body could not be parsed as JSON',
  )
}

export function notFound(message: string): PlaidApiError {
  return new PlaidApiError(404, PlaidErrorType.InvalidRequest, 'NOT_FOUND', message)
}

export function invalidInput(code: string, message: string): PlaidApiError {
  return new PlaidApiError(400, PlaidErrorType.InvalidInput, code, message)
}

export function itemLoginRequired(): PlaidApiError {
  return new PlaidApiError(
    400,
    PlaidErrorType.ItemError,
    'ITEM_LOGIN_REQUIRED',
    "the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information. use Link's update mode to restore the item to a good state",
  )
}

export function itemNotFound(): PlaidApiError {
  return new PlaidApiError(
    400,
    PlaidErrorType.ItemError,
    'ITEM_NOT_FOUND',
    'The Item you requested cannot be found. This Item does not exist, has been previously removed via /item/remove, or has had access removed by the user.',
  )
}

export function invalidCredentials(): PlaidApiError {
  return new PlaidApiError(
    400,
    PlaidErrorType.ItemError,
    'INVALID_CREDENTIALS',
    'the provided credentials were not correct',
    'The provided credentials were not correct. Please try again.',
  )
}

export function userPermissionRevoked(): PlaidApiError {
  return new PlaidApiError(
    400,
    PlaidErrorType.ItemError,
    'USER_PERMISSION_REVOKED',
    'the holder of this account has revoked their permission for your application to access it',
    'The user has revoked their permission for this application to access this account.',
  )
}

export function transferError(code: string, message: string): PlaidApiError {
  return new PlaidApiError(400, PlaidErrorType.TransferError, code, message)
}

export function sandboxError(code: string, message: string): PlaidApiError {
  return new PlaidApiError(400, PlaidErrorType.SandboxError, code, message)
}

export function internalServerError(): PlaidApiError {
  return new PlaidApiError(
    500,
    PlaidErrorType.ApiError,
    'INTERNAL_SERVER_ERROR',
    'an unexpected error occurred',
    'Something went wrong. Please try again later.',
  )
}

export function rateLimitExceeded(): PlaidApiError {
  return new PlaidApiError(
    429,
    PlaidErrorType.RateLimitExceeded,
    'RATE_LIMIT',
    'rate limit exceeded for attempts to access this item. please try again later',
  )
}
