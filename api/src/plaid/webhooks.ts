import { type Database, newId } from '@tenor/db'
import type { Env } from '@tenor/db/env'
import type { Logger } from '@tenor/db/logger'
import { webhookEvents } from '@tenor/db/schema'
import { asc, eq, isNull, sql } from 'drizzle-orm'
import type { PlaidApi } from 'plaid'
import { sha256Hex } from '../lib/crypto.ts'
import { openAccessToken } from './banks.ts'
import { callPlaid } from './errors.ts'
import { applyItemSignal } from './item-health.ts'

/** A redelivery of the same body within this window is the same event. */
const dedupeWindowMs = 24 * 60 * 60 * 1000

/**
 * Stores a verified webhook. Returns false for a redelivery already stored, which is then not
 * processed again. One conditional statement, so two deliveries at once cannot both win.
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
        receivedAt: sql`case when ${webhookEvents.receivedAt} < ${now.getTime() - dedupeWindowMs} then excluded.received_at else ${webhookEvents.receivedAt} end`,
        processedAt: sql`case when ${webhookEvents.receivedAt} < ${now.getTime() - dedupeWindowMs} then null else ${webhookEvents.processedAt} end`,
      },
    })
    .returning({ deliveries: webhookEvents.deliveries, processedAt: webhookEvents.processedAt })
  const row = result[0]
  const stored = row !== undefined && (row.deliveries === 1 || row.processedAt === null)
  return { stored, payload }
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
      const code = (error as { errorCode?: string }).errorCode
      if (code === 'ITEM_LOGIN_REQUIRED') return null
      throw error
    })
    if (!answer) return 'ITEM_LOGIN_REQUIRED'
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
          await deps.database.db
            .update(webhookEvents)
            .set({ processedAt: deps.now(), processingError: null })
            .where(eq(webhookEvents.id, event.id))
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
