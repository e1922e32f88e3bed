import { newId, type Tx } from '@tenor/db'
import { outboxMessages } from '@tenor/db/schema'
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
  await tx
    .insert(outboxMessages)
    .values({
      id: newId(),
      kind: email.kind,
      dedupeKey: email.dedupeKey,
      userId: email.userId,
      toAddress: email.to,
      subject: email.subject,
      textBody: email.text,
      htmlBody: email.html,
      nextAttemptAt: now,
      createdAt: now,
    })
    .onConflictDoNothing({ target: outboxMessages.dedupeKey })
}
