import {
  SandboxItemFireWebhookRequestWebhookCodeEnum as Code,
  type DefaultUpdateWebhook,
  type ItemLoginRepairedWebhook,
  type NewAccountsAvailableWebhook,
  type PendingDisconnectWebhook,
  PendingDisconnectWebhookReason,
  type SyncUpdatesAvailableWebhook,
  type UserAccountRevokedWebhook,
  type UserPermissionRevokedWebhook,
  WebhookEnvironmentValues,
  type WebhookType,
} from 'plaid'
import { toEmbeddedError, userPermissionRevoked } from './errors.ts'
import { breakItemLogin, itemWebhook } from './item-records.ts'
import type { ItemRecord } from './state.ts'
import { addBusinessDays, formatTimestamp } from './values.ts'
import type { WebhookRequest } from './webhooks.ts'

const environment = WebhookEnvironmentValues.Sandbox

/**
 * Builds the webhook /sandbox/item/fire_webhook asks for. ERROR and LOGIN_REPAIRED also change the
 * Item, so that /item/get agrees with the webhook it sent; codes without a payload of their own
 * get the DEFAULT_UPDATE shape under the requested webhook_type.
 */
export function fireSandboxWebhook(
  item: ItemRecord,
  code: Code,
  type: WebhookType,
  now: Date,
): WebhookRequest[] {
  const base = { webhook_code: code, item_id: item.itemId, environment }
  switch (code) {
    case Code.Error:
      return breakItemLogin(item)
    case Code.LoginRepaired:
      item.error = null
      return itemWebhook(item, {
        ...base,
        webhook_type: 'ITEM',
      } satisfies ItemLoginRepairedWebhook)
    case Code.NewAccountsAvailable:
      return itemWebhook(item, {
        ...base,
        webhook_type: 'ITEM',
        error: null,
      } satisfies NewAccountsAvailableWebhook)
    case Code.PendingDisconnect:
      return itemWebhook(item, {
        ...base,
        webhook_type: 'ITEM',
        reason: PendingDisconnectWebhookReason.TokenExpiration,
        disconnect_time: formatTimestamp(addBusinessDays(now, 5)),
      } satisfies PendingDisconnectWebhook)
    case Code.UserPermissionRevoked:
      return itemWebhook(item, {
        ...base,
        webhook_type: 'ITEM',
        error: toEmbeddedError(userPermissionRevoked(), true),
      } satisfies UserPermissionRevokedWebhook)
    case Code.UserAccountRevoked:
      return itemWebhook(item, {
        ...base,
        webhook_type: 'ITEM',
        account_id: item.accounts[0]?.account_id ?? '',
      } satisfies UserAccountRevokedWebhook)
    case Code.SyncUpdatesAvailable:
      return itemWebhook(item, {
        ...base,
        webhook_type: 'TRANSACTIONS',
        initial_update_complete: true,
        historical_update_complete: true,
      } satisfies SyncUpdatesAvailableWebhook)
    default:
      return itemWebhook(item, {
        ...base,
        webhook_type: type,
        new_transactions: 0,
        error: null,
      } satisfies DefaultUpdateWebhook)
  }
}
