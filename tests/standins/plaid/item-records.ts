import {
  type Item,
  type ItemErrorWebhook,
  ItemUpdateTypeEnum,
  type ItemWithConsentFields,
  ItemWithConsentFieldsUpdateTypeEnum,
  WebhookEnvironmentValues,
} from 'plaid'
import { invalidInput, itemLoginRequired, itemNotFound, toEmbeddedError } from './errors.ts'
import { type RequestBody, readString } from './fields.ts'
import { findInstitution, supportedProducts } from './institutions.ts'
import type { ItemRecord, StandInState } from './state.ts'
import type { WebhookRequest } from './webhooks.ts'

/**
 * Finds the Item behind `access_token`. An unknown token is INVALID_ACCESS_TOKEN; a token whose
 * Item was removed is ITEM_NOT_FOUND, which callers treat as "already gone".
 */
export function findItem(state: StandInState, body: RequestBody): ItemRecord {
  const token = readString(body, 'access_token')
  const itemId = state.accessTokens[token]
  const item = itemId === undefined ? undefined : state.items[itemId]
  if (!item) {
    if (!token.startsWith('access-')) {
      throw invalidInput(
        'INVALID_ACCESS_TOKEN',
        'provided access token is in an invalid format. expected format: access-<environment>-<identifier>',
      )
    }
    throw invalidInput('INVALID_ACCESS_TOKEN', 'could not find matching access token')
  }
  if (item.removed) throw itemNotFound()

  return item
}

/** Data endpoints refuse while the Item needs its user to log in again. */
export function assertItemHealthy(item: ItemRecord): void {
  if (item.error?.error_code === 'ITEM_LOGIN_REQUIRED') throw itemLoginRequired()
}

export function needsLogin(item: ItemRecord): boolean {
  return item.error?.error_code === 'ITEM_LOGIN_REQUIRED'
}

export function toItem(item: ItemRecord): Item {
  const institution = findInstitution(item.institutionId)

  return {
    available_products: supportedProducts.filter((product) => !item.products.includes(product)),
    billed_products: item.products,
    consent_expiration_time: null,
    error: item.error,
    institution_id: institution.institutionId,
    institution_name: institution.name,
    item_id: item.itemId,
    products: item.products,
    update_type: ItemUpdateTypeEnum.Background,
    webhook: item.webhook,
  }
}

export function toItemWithConsent(item: ItemRecord): ItemWithConsentFields {
  return {
    ...toItem(item),
    consented_products: item.products,
    created_at: item.createdAt,
    update_type: ItemWithConsentFieldsUpdateTypeEnum.Background,
  }
}

/** Puts the Item into ITEM_LOGIN_REQUIRED and asks for the ITEM ERROR webhook Plaid sends. */
export function breakItemLogin(item: ItemRecord): WebhookRequest[] {
  const error = itemLoginRequired()
  item.error = toEmbeddedError(error, false)

  return itemWebhook(item, {
    webhook_type: 'ITEM',
    webhook_code: 'ERROR',
    item_id: item.itemId,
    error: toEmbeddedError(error, true),
    environment: WebhookEnvironmentValues.Sandbox,
  } satisfies ItemErrorWebhook)
}

/** A webhook for the Item's own URL; an Item without one gets nothing, as at Plaid. */
export function itemWebhook(item: ItemRecord, payload: object): WebhookRequest[] {
  return item.webhook ? [{ url: item.webhook, payload }] : []
}
