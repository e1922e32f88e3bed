import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { createLogger } from '@tenor/db/logger'
import { auditEvents, outboxMessages } from '@tenor/db/schema'
import { runJob } from '@tenor/workers/job'
import { deliverEmails } from '@tenor/workers/jobs/email-delivery'
import { eq } from 'drizzle-orm'
import { type PostmarkStandIn, startPostmarkStandIn } from '../standins/postmark/index.ts'
import { createTestApp, type TestApp } from '../support/app.ts'
import { signUpAdmin } from '../support/users.ts'

let postmark: PostmarkStandIn
let t: TestApp
const log = createLogger('silent')

beforeEach(async () => {
  postmark = await startPostmarkStandIn()
  t = await createTestApp({
    POSTMARK_SERVER_TOKEN: 'server-token-for-tests',
    POSTMARK_API_URL: postmark.url,
    POSTMARK_FROM: 'Tenor <notes@tenor.test>',
    POSTMARK_MESSAGE_STREAM: 'transactional',
    SUPPORT_EMAIL: 'help@tenor.test',
  })
})
afterEach(async () => {
  t.close()
  await postmark.stop()
})

async function register(email: string) {
  await t.request('/auth/register', {
    json: { email, password: 'a long and unusual passphrase 42', legalName: 'Ada Lovelace' },
  })
}

const deliver = () => runJob(deliverEmails, { deps: t.deps, log })
const rows = () => t.db.database.db.select().from(outboxMessages)

describe('email delivery through the official Postmark SDK', () => {
  test('sends each message once, with both parts, the stream and a tag per kind', async () => {
    await register('ada@example.com')
    expect(await deliver()).toBe('succeeded')
    expect(await deliver()).toBe('succeeded')

    const [sent, ...more] = postmark.received()
    expect(more).toEqual([])
    expect(sent).toMatchObject({
      From: 'Tenor <notes@tenor.test>',
      // A reply reaches support, as the footer says.
      ReplyTo: 'help@tenor.test',
      To: 'ada@example.com',
      Subject: 'Confirm your email address',
      Tag: 'verify_email',
      MessageStream: 'transactional',
      token: 'server-token-for-tests',
    })
    expect(sent?.TextBody).toContain('/verify-email?token=')
    expect(sent?.TextBody).toContain('Questions? Reply to this email.')
    expect(sent?.HtmlBody).toContain('<a href=')
    const [row] = await rows()
    expect(row?.status).toBe('sent')
    expect(row?.providerMessageId).toBe(sent?.MessageID ?? '')
    expect(sent?.Metadata).toEqual({ outbox_id: row?.id ?? '' })
  })

  test('records an inactive recipient without crashing and never retries it', async () => {
    postmark.markInactive('gone@example.com')
    await register('gone@example.com')
    await register('ada@example.com')
    expect(await deliver()).toBe('succeeded')
    t.clock.advance(24 * 60 * 60 * 1000)
    await deliver()

    const byAddress = new Map((await rows()).map((row) => [row.toAddress, row]))
    expect(byAddress.get('gone@example.com')?.status).toBe('suppressed')
    expect(byAddress.get('gone@example.com')?.attempts).toBe(1)
    expect(byAddress.get('ada@example.com')?.status).toBe('sent')
    expect(postmark.received().map((m) => m.To)).toEqual(['ada@example.com'])
  })

  test('retries a transient failure after a back-off', async () => {
    await register('ada@example.com')
    postmark.failNext(1)
    await deliver()
    expect((await rows())[0]?.status).toBe('pending')
    await deliver()
    expect(postmark.received()).toHaveLength(0)
    t.clock.advance(3 * 60 * 1000)
    await deliver()
    expect(postmark.received()).toHaveLength(1)
    expect((await rows())[0]?.status).toBe('sent')
  })

  test('a lost reply is found at Postmark on the next run instead of being sent twice', async () => {
    await register('ada@example.com')
    postmark.loseNextReply()
    await deliver()
    expect(postmark.received()).toHaveLength(1)
    t.clock.advance(15 * 60 * 1000)
    await deliver()
    expect(postmark.received()).toHaveLength(1)
    const [row] = await rows()
    expect(row?.status).toBe('sent')
    expect(row?.providerMessageId).toBe(postmark.received()[0]?.MessageID ?? '')
  })

  test('an email given up on is sent again from the console, once, and not twice if an earlier try reached Postmark', async () => {
    await register('ada@example.com')
    // Seven refusals, then a try whose reply is lost: the eighth failure gives it up.
    postmark.failNext(7)
    for (let run = 0; run < 8; run++) {
      if (run === 7) postmark.loseNextReply()
      await deliver()
      t.clock.advance(3 * 60 * 60 * 1000)
    }
    const [given] = await rows()
    expect(given).toMatchObject({ status: 'failed', attempts: 8 })
    expect(postmark.received()).toHaveLength(1)
    const admin = await signUpAdmin(t, 'admin@example.com')
    const retry = (id: string) =>
      t.request(`/admin/emails/${id}/retry`, { json: {}, token: admin.token })

    const asked = await retry(given?.id ?? '')

    expect(asked.status).toBe(200)
    expect(await asked.json()).toEqual({ email: { id: given?.id, status: 'pending' } })
    expect((await retry(given?.id ?? '')).status).toBe(409)
    expect((await retry('no-such-email')).status).toBe(404)
    await deliver()
    // The lost try had reached Postmark: found there, not sent again.
    expect(postmark.received().filter((m) => m.To === 'ada@example.com')).toHaveLength(1)
    const ada = (await rows()).find((row) => row.id === given?.id)
    expect(ada).toMatchObject({ status: 'sent' })
    const audit = await t.db.database.db.query.auditEvents.findMany({
      where: eq(auditEvents.action, 'email.retried'),
    })
    expect(audit).toMatchObject([{ adminId: admin.userId, targetId: given?.id }])
  })

  test('two workers started together send each message once', async () => {
    for (const name of ['a', 'b', 'c']) await register(`${name}@example.com`)
    const outcomes = await Promise.all([deliver(), deliver()])
    expect(outcomes.sort()).toEqual(['skipped', 'succeeded'])
    expect(postmark.received()).toHaveLength(3)
  })
})

describe('without a Postmark token', () => {
  test('messages stay in the local mailbox and are marked delivered there', async () => {
    const local = await createTestApp()
    try {
      await local.request('/auth/register', {
        json: {
          email: 'x@example.com',
          password: 'a long and unusual passphrase 42',
          legalName: 'X Y',
        },
      })
      expect(await runJob(deliverEmails, { deps: local.deps, log })).toBe('succeeded')
      const [row] = await local.db.database.db.select().from(outboxMessages)
      expect(row?.status).toBe('sent')
      expect(row?.providerMessageId).toBe('local-mailbox')
      expect(postmark.received()).toEqual([])
      // The development mailbox says it was kept there, not sent anywhere.
      const listed = await local.request('/dev/mailbox?to=x@example.com')
      const { messages } = (await listed.json()) as { messages: { keptHere: boolean }[] }
      expect(messages.map((message) => message.keptHere)).toEqual([true])
    } finally {
      local.close()
    }
  })
})
