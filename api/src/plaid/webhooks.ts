import { type Database, newId } from '@tenor/db'
import type { Env } from '@tenor/db/env'
import type { Logger } from '@tenor/db/logger'
import { webhookEvents } from '@tenor/db/schema'
import { and, asc, eq, isNull, sql } from 'drizzle-orm'
import type { PlaidApi } from 'plaid'
import { sha256Hex } from '../lib/crypto.ts'
import { openAccessToken } from './banks.ts'
import { callPlaid, PlaidFailure } from './errors.ts'
import { applyItemSignal } from './item-health.ts'
import { scopeOfRefusal } from './refusals.ts'

/** A redelivery of the same body within this window is the same event. */
const dedupeWindowMs = 24 * 60 * 60 * 1000

/**
 * Webhooks that carry no event of their own, only "look again": processing one syncs transfer
 * events from the stored cursor, or reads the item's status from Plaid. Plaid sends the same
 * bytes for every TRANSFER_EVENTS_UPDATE, and for every ERROR of one item, so their bodies
 * cannot tell a second change from a redelivery of the first.
 */
function readsStateAgain(type: string | null, code: string | null): boolean {
  return type === 'TRANSFER' || (type === 'ITEM' && (code === 'ERROR' || code === 'LOGIN_REPAIRED'))
}

/**
 * Stores a verified webhook. Deliveries of one body share a row (counted in `deliveries`). A
 * redelivery already processed is not processed again within a day, unless it only says "look
 * again" (`readsStateAgain`): those are queued again, since looking twice is harmless and
 * missing a change is not. Returns whether the row waits to be processed. One conditional
 * statement, so two deliveries at once cannot both win.
 */
export async function recordWebhook(
  database: Database,
  body: Uint8Array,
  now: Date,
): Promise<{ stored: boolean; payload: Record<string, unknown> | null }> {
  let payload: Record<string, unknown> | null = null
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(body))
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      payload = parsed as Record<string, unknown>
    }
  } catch {
    payload = null
  }
  if (!payload) return { stored: false, payload: null }

  const text = (key: string) =>
    typeof payload?.[key] === 'string' ? (payload[key] as string) : null
  const expired = sql`${webhookEvents.receivedAt} < ${now.getTime() - dedupeWindowMs}`
  const lookAgain = readsStateAgain(text('webhook_type'), text('webhook_code'))
  const result = await database.db
    .insert(webhookEvents)
    .values({
      id: newId(),
      source: 'plaid',
      dedupeKey: sha256Hex(body),
      webhookType: text('webhook_type') ?? 'UNKNOWN',
      webhookCode: text('webhook_code') ?? 'UNKNOWN',
      plaidItemId: text('item_id'),
      body: new TextDecoder().decode(body),
      receivedAt: now,
    })
    .onConflictDoUpdate({
      target: webhookEvents.dedupeKey,
      set: {
        deliveries: sql`${webhookEvents.deliveries} + 1`,
        receivedAt: lookAgain
          ? sql`excluded.received_at`
          : sql`case when ${expired} then excluded.received_at else ${webhookEvents.receivedAt} end`,
        processedAt: lookAgain
          ? null
          : sql`case when ${expired} then null else ${webhookEvents.processedAt} end`,
      },
    })
    .returning({ deliveries: webhookEvents.deliveries, processedAt: webhookEvents.processedAt })
  const row = result[0]
  const stored = row !== undefined && (row.deliveries === 1 || row.processedAt === null)
  return { stored, payload }
}

/** When a PENDING_EXPIRATION or PENDING_DISCONNECT webhook says the item stops working. */
function stopsAtOf(payload: Record<string, unknown>, timeZone: string) {
  const text = payload.consent_expiration_time ?? payload.disconnect_time
  const at = typeof text === 'string' ? new Date(text) : null
  return at && !Number.isNaN(at.getTime()) ? { at, timeZone } : undefined
}

export interface WebhookProcessorDeps {
  database: Database
  plaid: PlaidApi
  env: Env
  log: Logger
  now: () => Date
  /** Pulls transfer events; supplied once money movement exists. */
  syncTransfers?: () => Promise<unknown>
}

/**
 * Applies stored webhooks in the order received. Item webhooks are hints: for ERROR and
 * LOGIN_REPAIRED the item is re-read from Plaid, so a late or repeated delivery can only move
 * the item to the state Plaid reports now.
 */
export function createWebhookProcessor(deps: WebhookProcessorDeps) {
  let running: Promise<number> | null = null

  async function processOne(event: typeof webhookEvents.$inferSelect): Promise<void> {
    const payload = JSON.parse(event.body) as Record<string, unknown>
    if (event.webhookType === 'ITEM' && event.plaidItemId) {
      const signal = await itemSignal(event.webhookCode, event.plaidItemId, payload)
      if (signal) {
        await applyItemSignal(deps.database, {
          plaidItemId: event.plaidItemId,
          signal,
          now: deps.now(),
          publicUrl: deps.env.publicUrl,
          stopsAt: stopsAtOf(payload, deps.env.businessTimeZone),
        })
      }
    } else if (event.webhookType === 'TRANSFER') {
      await deps.syncTransfers?.()
    } else {
      deps.log.info('webhook ignored', { type: event.webhookType, code: event.webhookCode })
    }
  }

  async function itemSignal(code: string, plaidItemId: string, payload: Record<string, unknown>) {
    if (code !== 'ERROR' && code !== 'LOGIN_REPAIRED') {
      const error = payload.error as { error_code?: string } | null | undefined
      return error?.error_code ?? code
    }
    const item = await deps.database.db.query.plaidItems.findFirst({
      where: (t, { eq: equals }) => equals(t.plaidItemId, plaidItemId),
    })
    if (!item || item.status === 'removed') return null
    const answer = await callPlaid(() =>
      deps.plaid.itemGet({ access_token: openAccessToken(item, deps.env.encryptionKeys) }),
    ).catch((error: unknown) => {
      // Plaid refusing to describe the item for good (signed out, gone, access withdrawn) is
      // the signal itself; asking again would be refused forever and hold the queue.
      if (error instanceof PlaidFailure && scopeOfRefusal(error) === 'item') return error
      throw error
    })
    if (answer instanceof PlaidFailure) return answer.errorCode
    return answer.item.error?.error_code ?? 'HEALTHY'
  }

  async function drain(): Promise<number> {
    let processed = 0
    for (;;) {
      const batch = await deps.database.db
        .select()
        .from(webhookEvents)
        .where(isNull(webhookEvents.processedAt))
        .orderBy(asc(webhookEvents.receivedAt), asc(webhookEvents.id))
        .limit(50)
      if (batch.length === 0) return processed
      let progressed = false
      for (const event of batch) {
        try {
          await processOne(event)
          // A delivery meanwhile may ask for another look after this one (a transfer update:
          // its events are read afresh), so the row stays pending for the next batch. Every
          // delivery counts itself; its receivedAt could be this one's, to the millisecond.
          await deps.database.db
            .update(webhookEvents)
            .set({ processedAt: deps.now(), processingError: null })
            .where(
              and(eq(webhookEvents.id, event.id), eq(webhookEvents.deliveries, event.deliveries)),
            )
          processed++
          progressed = true
        } catch (error) {
          deps.log.warn('webhook processing failed; will retry', {
            webhookId: event.id,
            code: event.webhookCode,
            error: error instanceof Error ? error.message : String(error),
          })
          await deps.database.db
            .update(webhookEvents)
            .set({ processingError: error instanceof Error ? error.message : 'failed' })
            .where(eq(webhookEvents.id, event.id))
        }
      }
      if (!progressed) return processed
    }
  }

  /** Processes everything pending; concurrent calls share one run. */
  return function processWebhooks(): Promise<number> {
    running ??= drain().finally(() => {
      running = null
    })
    return running
  }
}
