import { newId, type Tx } from '@tenor/db'
import { outboxMessages } from '@tenor/db/schema'
import { executeInTx, type Statement } from '@tenor/db/statement'
import { and, eq, sql } from 'drizzle-orm'
import type { RenderedEmail } from './emails.ts'

export interface OutgoingEmail extends RenderedEmail {
  kind: string
  /** Identifies the event: the same event never writes a second message. */
  dedupeKey: string
  userId: string | null
  to: string
}

/**
 * Writes an email to the outbox inside the caller's transaction, so it exists exactly when the
 * event that caused it committed. The worker delivers it later.
 */
export async function enqueueEmail(tx: Tx, email: OutgoingEmail, now: Date): Promise<void> {
  await executeInTx(tx)(outboxStatement(email, now))
}

/**
 * Withdraws an email the worker has not sent yet, in the caller's transaction, when the event
 * that wrote it has been overtaken; one already sent stays as it was.
 */
export async function withdrawEmail(tx: Tx, dedupeKey: string): Promise<void> {
  await tx
    .update(outboxMessages)
    // No error: a withdrawn email is not one an administrator needs to look into.
    .set({ status: 'suppressed', lastError: null })
    .where(and(eq(outboxMessages.dedupeKey, dedupeKey), eq(outboxMessages.status, 'pending')))
}

/** Withdraws every email still waiting whose key starts with `prefix` (taken literally). */
export async function withdrawEmailsStartingWith(tx: Tx, prefix: string): Promise<void> {
  await tx
    .update(outboxMessages)
    .set({ status: 'suppressed', lastError: null })
    .where(
      and(
        eq(outboxMessages.status, 'pending'),
        sql`substr(${outboxMessages.dedupeKey}, 1, ${prefix.length}) = ${prefix}`,
      ),
    )
}

/** The outbox insert as plain SQL, for paths that write through `Database.writeSql`. */
export function outboxStatement(email: OutgoingEmail, now: Date): Statement {
  return {
    sql: `insert into outbox_messages (id, kind, dedupe_key, user_id, to_address, subject, text_body, html_body, next_attempt_at, created_at)
      values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (dedupe_key) do nothing`,
    args: [
      newId(),
      email.kind,
      email.dedupeKey,
      email.userId,
      email.to,
      email.subject,
      email.text,
      email.html,
      now.getTime(),
      now.getTime(),
    ],
  }
}
