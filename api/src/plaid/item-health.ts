import type { Database, Tx } from '@tenor/db'
import { businessDateOf, describeCalendarDate } from '@tenor/db/domain'
import { type itemStatuses, plaidItems, users } from '@tenor/db/schema'
import { and, eq, isNull, ne, notInArray, or } from 'drizzle-orm'
import { renderEmail } from '../lib/emails.ts'
import { enqueueEmail } from '../lib/outbox.ts'

type ItemStatus = (typeof itemStatuses)[number]

/**
 * What each Plaid signal (an ITEM webhook code, or the error code of a failed call) means for
 * the health of an item. Signals not listed change nothing. An item Plaid no longer has
 * (ITEM_NOT_FOUND: removed, or its access withdrawn at Plaid) cannot be repaired in update
 * mode, which needs its access token, so it counts as revoked: only linking the bank again helps.
 */
const signalStatus: Record<string, ItemStatus> = {
  ITEM_LOGIN_REQUIRED: 'needs_reconnect',
  ACCESS_NOT_GRANTED: 'needs_reconnect',
  NO_ACCOUNTS: 'needs_reconnect',
  USER_PERMISSION_REVOKED: 'revoked',
  USER_ACCOUNT_REVOKED: 'revoked',
  ITEM_NOT_FOUND: 'revoked',
  LOGIN_REPAIRED: 'healthy',
  HEALTHY: 'healthy',
}

/** Signals that leave the item usable but worth a visit to update mode. */
const advisorySignals = new Set(['NEW_ACCOUNTS_AVAILABLE'])

/**
 * Signals that the item stops working on a date about a week ahead (Plaid: consent expiring,
 * or a disconnection scheduled); until then it works, so purchases from it go on. The investor
 * is asked once to reconnect before then, in update mode, which clears the signal.
 */
const warningSignals = new Set(['PENDING_DISCONNECT', 'PENDING_EXPIRATION'])

export function statusForSignal(signal: string): ItemStatus | undefined {
  return Object.hasOwn(signalStatus, signal) ? signalStatus[signal] : undefined
}

/**
 * Moves an item to the status a signal implies, once: a repeated signal changes nothing and
 * sends no second email. Removed items never come back, and neither do revoked ones: the
 * investor withdrew their consent, which only linking the bank again gives back (Plaid: create a
 * new Item), so a later ERROR or LOGIN_REPAIRED, or Plaid reporting the item healthy, leaves it
 * revoked.
 */
export async function applyItemSignal(
  database: Database,
  input: {
    plaidItemId: string
    signal: string
    now: Date
    publicUrl: string
    /** For a warning: when Plaid expects the item to stop working, and the zone to date it in. */
    stopsAt?: { at: Date; timeZone: string } | undefined
  },
): Promise<{ changed: boolean; status?: ItemStatus }> {
  const warning = warningSignals.has(input.signal)
  const advisory = advisorySignals.has(input.signal) || warning
  const status = statusForSignal(input.signal)
  if (!status && !advisory) return { changed: false }

  return database.write(async (tx) => {
    const item = await tx.query.plaidItems.findFirst({
      where: eq(plaidItems.plaidItemId, input.plaidItemId),
    })
    if (!item || item.status === 'removed') return { changed: false }
    if (item.status === 'revoked') return { changed: false, status: item.status }

    if (advisory) {
      const marked = await tx
        .update(plaidItems)
        .set({ statusReason: input.signal })
        .where(
          and(
            eq(plaidItems.id, item.id),
            eq(plaidItems.status, 'healthy'),
            // A warning is told once, and news of new accounts does not cover it up: the
            // reconnect it asks for adds those accounts too.
            or(
              isNull(plaidItems.statusReason),
              warning
                ? ne(plaidItems.statusReason, input.signal)
                : notInArray(plaidItems.statusReason, [...warningSignals]),
            ),
          ),
        )
        .returning({ id: plaidItems.id })
      const owner =
        warning && marked.length > 0
          ? await tx.query.users.findFirst({ where: eq(users.id, item.userId) })
          : undefined
      if (owner) await askToReconnectSoon(tx, owner, item, input)
      return { changed: false, status: item.status }
    }
    if (!status || item.status === status) return { changed: false, status: item.status }

    await tx
      .update(plaidItems)
      .set({
        status,
        statusReason: status === 'healthy' ? null : input.signal,
        statusChangedAt: input.now,
      })
      .where(and(eq(plaidItems.id, item.id), notInArray(plaidItems.status, ['removed', 'revoked'])))

    if (status !== 'healthy') {
      const owner = await tx.query.users.findFirst({ where: eq(users.id, item.userId) })
      if (owner) {
        await enqueueEmail(
          tx,
          {
            kind: 'bank_reconnect_needed',
            dedupeKey: `bank-reconnect:${item.id}:${input.now.getTime()}`,
            userId: owner.id,
            to: owner.email,
            ...renderEmail(
              status === 'revoked'
                ? {
                    // Access withdrawn: no sign-in repairs it, only linking the bank again.
                    subject: 'Link your bank again to keep using it with Tenor',
                    greeting: `Hello ${owner.legalName},`,
                    paragraphs: [
                      `Tenor's access to ${item.institutionName ?? 'your bank'} has ended, so it cannot fund purchases or receive payouts.`,
                      'To use it again, link it again from your banks page; it takes a minute.',
                    ],
                    action: { label: 'Open your banks', url: `${input.publicUrl}/banks` },
                  }
                : {
                    subject: 'Reconnect your bank to keep using it with Tenor',
                    greeting: `Hello ${owner.legalName},`,
                    paragraphs: [
                      `Your connection to ${item.institutionName ?? 'your bank'} needs attention, so it cannot fund purchases until you reconnect it.`,
                      'Reconnecting takes a minute: sign in to your bank again through Tenor.',
                    ],
                    action: { label: 'Reconnect your bank', url: `${input.publicUrl}/banks` },
                  },
            ),
          },
          input.now,
        )
      }
    }
    return { changed: true, status }
  })
}

/** The one email a warning sends: the bank stops working on a date, reconnect before it. */
async function askToReconnectSoon(
  tx: Tx,
  owner: { id: string; email: string; legalName: string },
  item: { id: string; institutionName: string | null },
  input: { now: Date; publicUrl: string; stopsAt?: { at: Date; timeZone: string } | undefined },
): Promise<void> {
  const by = input.stopsAt
    ? ` on ${describeCalendarDate(businessDateOf(input.stopsAt.at, input.stopsAt.timeZone))}`
    : ' in about a week'
  await enqueueEmail(
    tx,
    {
      kind: 'bank_reconnect_soon',
      dedupeKey: `bank-reconnect-soon:${item.id}:${input.now.getTime()}`,
      userId: owner.id,
      to: owner.email,
      ...renderEmail({
        subject: 'Reconnect your bank this week to keep using it with Tenor',
        greeting: `Hello ${owner.legalName},`,
        paragraphs: [
          `Your connection to ${item.institutionName ?? 'your bank'} is due to stop working${by}. Until then it works as before.`,
          'To keep using it, reconnect it before then: sign in to your bank again through Tenor. It takes a minute.',
        ],
        action: { label: 'Reconnect your bank', url: `${input.publicUrl}/banks` },
      }),
    },
    input.now,
  )
}
