import {
  type ItemPublicTokenExchangeResponse,
  type LinkTokenCreateResponse,
  Products,
  type SandboxPublicTokenCreateResponse,
} from 'plaid'
import type { Handler, HandlerContext } from './context.ts'
import { invalidField, invalidInput, itemNotFound } from './errors.ts'
import {
  type RequestBody,
  readObject,
  readOptionalObject,
  readOptionalString,
  readOptionalStringArray,
  readString,
  requireFields,
} from './fields.ts'
import { createPlaidObjectId, createRequestId, createToken } from './ids.ts'
import { findInstitution, openSandboxAccounts, sandboxOwners } from './institutions.ts'
import { findItem } from './item-records.ts'
import type { ItemRecord, StandInState } from './state.ts'
import { addMinutes, formatTimestamp } from './values.ts'

// Lifetimes from LinkTokenCreateResponse.expiration and /item/public_token/exchange.
const linkTokenMinutes = 240
const updateModeLinkTokenMinutes = 30
const publicTokenMinutes = 30

export const createLinkToken: Handler = ({ body, state, now, requestId }) => {
  requireFields(body, ['client_name', 'language', 'country_codes', 'user'])
  const user = readObject(body, 'user')
  requireFields(user, ['client_user_id'], 'user.')
  if (readString(body, 'client_name').length > 30) {
    throw invalidField('client_name must be at most 30 characters')
  }

  // Update mode: the token repairs an existing Item, so products are not needed.
  const updateItem = readOptionalString(body, 'access_token') ? findItem(state, body) : null
  const products = updateItem ? [] : readProducts(body, 'products')
  const linkToken = createToken('link')
  const minutes = updateItem ? updateModeLinkTokenMinutes : linkTokenMinutes
  const expiration = addMinutes(now, minutes)
  state.linkTokens[linkToken] = {
    expiresAt: expiration.toISOString(),
    clientUserId: readString(user, 'client_user_id'),
    webhook: readWebhookUrl(body),
    products,
    accessToken: updateItem?.accessToken ?? null,
    redirectUri: readRedirectUri(body),
  }

  return {
    body: {
      link_token: linkToken,
      expiration: formatTimestamp(expiration),
      request_id: requestId,
    } satisfies LinkTokenCreateResponse,
  }
}

/**
 * `redirect_uri`, as Plaid takes it: an https address, or http on localhost in Sandbox. (Plaid
 * also requires it on the Dashboard's list of allowed redirect URIs, which the stand-in has not.)
 */
function readRedirectUri(body: RequestBody): string | null {
  const text = readOptionalString(body, 'redirect_uri')
  if (text === null) return null
  let address: URL
  try {
    address = new URL(text)
  } catch {
    throw invalidField('redirect_uri must be a URL')
  }
  const local = ['localhost', '127.0.0.1'].includes(address.hostname)
  if (address.protocol !== 'https:' && !(address.protocol === 'http:' && local)) {
    throw invalidField('redirect_uri must use https')
  }
  return text
}

/** Skips Link in Sandbox: makes an Item for a test login and answers its public token. */
export const createSandboxPublicToken: Handler = ({ body, state, now, requestId }) => {
  requireFields(body, ['institution_id', 'initial_products'])
  const institution = findInstitution(readString(body, 'institution_id'))
  const products = readProducts(body, 'initial_products')
  const options = readOptionalObject(body, 'options') ?? {}

  const item = createItem(state, now, {
    institutionId: institution.institutionId,
    products,
    webhook: readWebhookUrl(options),
    username: readOptionalString(options, 'override_username') ?? 'user_good',
    password: readOptionalString(options, 'override_password') ?? 'pass_good',
  })

  return {
    body: {
      public_token: issuePublicToken(state, item, now),
      request_id: requestId,
    } satisfies SandboxPublicTokenCreateResponse,
  }
}

// A public token is single-use (the OpenAPI description of /item/public_token/create): the
// exchange spends it, and a second one, a retry after a lost reply included, answers
// INVALID_PUBLIC_TOKEN as an unknown token does.
export const exchangePublicToken: Handler = ({ body, state, now, requestId }) => {
  requireFields(body, ['public_token'])
  const token = readString(body, 'public_token')
  const record = state.publicTokens[token]
  const item = record ? state.items[record.itemId] : undefined
  if (!record || !item) {
    throw invalidInput('INVALID_PUBLIC_TOKEN', 'could not find matching public token')
  }
  if (record.expiresAt < now.toISOString()) {
    throw invalidInput(
      'INVALID_PUBLIC_TOKEN',
      'provided public token is expired. Public tokens expire 30 minutes after creation at which point they can no longer be exchanged',
    )
  }
  delete state.publicTokens[token]

  return {
    body: {
      access_token: item.accessToken,
      item_id: item.itemId,
      request_id: requestId,
    } satisfies ItemPublicTokenExchangeResponse,
  }
}

/**
 * What Plaid Link's onSuccess would hand the browser. In update mode the Item's error is cleared
 * and its own public token is answered (which the app need not exchange).
 */
export function completeLink(context: HandlerContext) {
  const { body, state, now } = context
  requireFields(body, ['link_token'])
  const link = state.linkTokens[readString(body, 'link_token')]
  if (!link || link.expiresAt < now.toISOString()) {
    throw invalidInput('INVALID_LINK_TOKEN', 'provided link token is expired or does not exist')
  }

  const updateItemId = link.accessToken ? state.accessTokens[link.accessToken] : undefined
  const updateItem = updateItemId ? state.items[updateItemId] : undefined
  if (updateItem?.removed) throw itemNotFound()
  if (updateItem) updateItem.error = null
  const item =
    updateItem ??
    createItem(state, now, {
      institutionId: readOptionalString(body, 'institution_id') ?? 'ins_109508',
      products: link.products,
      webhook: link.webhook,
      username: readOptionalString(body, 'username') ?? 'user_good',
      password: readOptionalString(body, 'password') ?? 'pass_good',
    })
  const institution = findInstitution(item.institutionId)

  return {
    public_token: issuePublicToken(state, item, now),
    metadata: {
      institution: { institution_id: institution.institutionId, name: institution.name },
      accounts: item.accounts.map((account) => ({
        id: account.account_id,
        name: account.name,
        mask: account.mask,
        type: account.type,
        subtype: account.subtype,
      })),
      link_session_id: crypto.randomUUID(),
      request_id: createRequestId(),
    },
  }
}

interface NewItem {
  institutionId: string
  products: Products[]
  webhook: string | null
  username: string
  password: string
}

function createItem(state: StandInState, now: Date, request: NewItem): ItemRecord {
  findInstitution(request.institutionId)
  const accounts = openSandboxAccounts(request.username, request.password)
  const item: ItemRecord = {
    itemId: createPlaidObjectId(),
    accessToken: createToken('access'),
    institutionId: request.institutionId,
    webhook: request.webhook,
    products: request.products,
    createdAt: formatTimestamp(now),
    error: null,
    removed: false,
    accounts,
    owners: sandboxOwners(),
  }
  state.items[item.itemId] = item
  state.accessTokens[item.accessToken] = item.itemId

  return item
}

function issuePublicToken(state: StandInState, item: ItemRecord, now: Date): string {
  const token = createToken('public')
  state.publicTokens[token] = {
    itemId: item.itemId,
    expiresAt: addMinutes(now, publicTokenMinutes).toISOString(),
  }

  return token
}

function readProducts(body: RequestBody, name: string): Products[] {
  const names = readOptionalStringArray(body, name) ?? []
  if (names.length === 0) throw invalidField(`${name} must list at least one product`)

  return names.map((productName) => {
    const product = Object.values(Products).find((candidate) => candidate === productName)
    if (!product) throw invalidInput('INVALID_PRODUCT', `${productName} is not a valid product`)

    return product
  })
}

/** Reads an optional `webhook`, refusing text that is not an absolute http(s) URL. */
export function readWebhookUrl(body: RequestBody): string | null {
  const webhook = readOptionalString(body, 'webhook')
  if (webhook === null) return null
  if (!URL.canParse(webhook) || !/^https?:$/.test(new URL(webhook).protocol)) {
    throw invalidField('webhook must be a valid http or https URL')
  }

  return webhook
}
