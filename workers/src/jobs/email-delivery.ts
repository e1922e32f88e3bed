import { outboxMessages } from '@tenor/db/schema'
import { and, asc, eq, lte } from 'drizzle-orm'
import { Errors, type ServerClient } from 'postmark'
import type { Job, JobContext } from '../job.ts'
import { createPostmarkClient } from '../postmark.ts'

/** Attempts before a message is given up as failed; retries back off up to six hours apart. */
export const maxAttempts = 8
const claimMs = 10 * 60 * 1000
const batchSize = 50

type Message = typeof outboxMessages.$inferSelect

export function retryDelayMs(attempts: number): number {
  return Math.min(2 ** attempts * 60_000, 6 * 60 * 60 * 1000)
}

/**
 * Sends the outbox through Postmark. Each message is claimed with a conditional update before
 * the call, so two workers never send it together. A message whose earlier attempt ended
 * without an answer (a crash, a lost reply) is looked up at Postmark by its outbox id before it
 * is sent again, so it goes out once. Transient failures back off; permanent ones (an inactive
 * recipient, an invalid address) are recorded and never retried.
 */
export const deliverEmails: Job = {
  name: 'email-delivery',
  async run(context) {
    const client = createPostmarkClient(context.deps.env.postmark)
    const counts = { sent: 0, retried: 0, failed: 0, suppressed: 0, recovered: 0 }
    for (;;) {
      const now = context.deps.clock.now()
      const due = await context.deps.database.db
        .select()
        .from(outboxMessages)
        .where(and(eq(outboxMessages.status, 'pending'), lte(outboxMessages.nextAttemptAt, now)))
        .orderBy(asc(outboxMessages.nextAttemptAt), asc(outboxMessages.id))
        .limit(batchSize)
      if (due.length === 0) return counts
      for (const message of due) {
        const result = await deliverOne(context, client, message)
        if (result) counts[result]++
      }
    }
  },
}

type Result = 'sent' | 'retried' | 'failed' | 'suppressed' | 'recovered'

async function deliverOne(
  context: JobContext,
  client: ServerClient | null,
  message: Message,
): Promise<Result | null> {
  const { database, clock, env } = context.deps
  const now = clock.now()
  const claimed = await database.db
    .update(outboxMessages)
    .set({ attempts: message.attempts + 1, nextAttemptAt: new Date(now.getTime() + claimMs) })
    .where(
      and(
        eq(outboxMessages.id, message.id),
        eq(outboxMessages.status, 'pending'),
        eq(outboxMessages.attempts, message.attempts),
      ),
    )
  if (claimed.rowsAffected !== 1) return null

  const finish = (set: Partial<Message>) =>
    database.db.update(outboxMessages).set(set).where(eq(outboxMessages.id, message.id))

  if (!client) {
    await finish({ status: 'sent', sentAt: now, providerMessageId: 'local-mailbox' })
    return 'sent'
  }

  try {
    if (message.attempts > 0) {
      const earlier = await client.getOutboundMessages({
        count: 1,
        offset: 0,
        metadata_outbox_id: message.id,
      })
      const found = earlier.Messages[0]
      if (found) {
        await finish({ status: 'sent', sentAt: now, providerMessageId: found.MessageID })
        return 'recovered'
      }
    }
    const sent = await client.sendEmail({
      From: env.postmark.from,
      // A reply reaches support, so every email's "reply to this email" is a real way to ask.
      ReplyTo: env.supportEmail,
      To: message.toAddress,
      Subject: message.subject,
      TextBody: message.textBody,
      HtmlBody: message.htmlBody,
      Tag: message.kind,
      MessageStream: env.postmark.messageStream,
      Metadata: { outbox_id: message.id },
    })
    await finish({
      status: 'sent',
      sentAt: now,
      providerMessageId: sent.MessageID,
      lastError: null,
    })
    return 'sent'
  } catch (error) {
    return recordFailure(context, message, error, finish)
  }
}

async function recordFailure(
  context: JobContext,
  message: Message,
  error: unknown,
  finish: (set: Partial<Message>) => Promise<unknown>,
): Promise<Result> {
  const now = context.deps.clock.now()
  const attempts = message.attempts + 1
  const description =
    error instanceof Errors.PostmarkError ? `${error.code}: ${error.message}` : String(error)
  const log = context.log.child({ outboxId: message.id, kind: message.kind })

  if (error instanceof Errors.InactiveRecipientsError) {
    log.warn('email suppressed: recipient inactive at Postmark')
    await finish({ status: 'suppressed', lastError: description.slice(0, 500) })
    return 'suppressed'
  }
  if (error instanceof Errors.ApiInputError || attempts >= maxAttempts) {
    log.error('email failed permanently', { attempts, error: description.slice(0, 200) })
    await finish({ status: 'failed', lastError: description.slice(0, 500) })
    return 'failed'
  }
  log.warn('email send failed; will retry', { attempts, error: description.slice(0, 200) })
  await finish({
    lastError: description.slice(0, 500),
    nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)),
  })
  return 'retried'
}
