import type { RequestBody } from './fields.ts'
import type { StandInState } from './state.ts'
import type { WebhookRequest } from './webhooks.ts'

export interface HandlerContext {
  body: RequestBody
  state: StandInState
  now: Date
  requestId: string
}

export interface HandlerResult {
  body: object
  webhooks?: WebhookRequest[]
}

/**
 * One Plaid endpoint. Handlers are synchronous on purpose: a request's reads and writes of the
 * state can never interleave with another request's.
 */
export type Handler = (context: HandlerContext) => HandlerResult
