import { z } from 'zod'
import { readProblem, unexpected } from './api.ts'
import { getEnv } from './env.ts'

const mailboxAnswer = z.object({
  messages: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      to: z.string(),
      subject: z.string(),
      text: z.string(),
      status: z.string(),
      keptHere: z.boolean(),
      createdAt: z.string(),
    }),
  ),
})

export type MailboxMessage = z.infer<typeof mailboxAnswer>['messages'][number]

/**
 * The development mailbox: every email the API wrote to its outbox, newest first. Fetched
 * without the typed client because the API mounts `/dev` outside its exported route type.
 */
export async function listMailbox(requestId: string, to: string): Promise<MailboxMessage[]> {
  const url = new URL('/dev/mailbox', getEnv().apiUrl)
  if (to) url.searchParams.set('to', to)

  const response = await fetch(url, {
    headers: { 'x-request-id': requestId },
    signal: AbortSignal.timeout(10_000),
  })
  if (!response.ok) throw unexpected(await readProblem(response))

  return mailboxAnswer.parse(await response.json()).messages
}
