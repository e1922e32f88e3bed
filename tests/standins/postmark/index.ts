/**
 * A local server that answers the official `postmark` SDK as Postmark's HTTP API does, for the
 * endpoints Tenor uses: POST /email and GET /messages/outbound (search, including Postmark's
 * `metadata_<key>` filter). It records what it receives so tests can check each request.
 */

export interface ReceivedEmail {
  MessageID: string
  From: string
  ReplyTo: string | null
  To: string
  Subject: string
  TextBody: string
  HtmlBody: string
  Tag: string | null
  MessageStream: string
  Metadata: Record<string, string>
  token: string
  SubmittedAt: string
}

export interface PostmarkStandIn {
  url: string
  /** `host:port`, the form the SDK's `requestHost` option takes. */
  host: string
  received(): ReceivedEmail[]
  /** Addresses Postmark has marked inactive (hard bounce, complaint, suppression). */
  markInactive(address: string): void
  /** The next `times` sends fail with 500, as a Postmark outage would. */
  failNext(times: number): void
  /** The next send is delivered but its reply is lost (the connection answers 500). */
  loseNextReply(): void
  stop(): Promise<void>
}

const inactiveMessage = (address: string) =>
  `You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: ${address}. Inactive recipients are ones that have generated a hard bounce, a spam complaint, or a manual suppression.`

export async function startPostmarkStandIn(port = 0): Promise<PostmarkStandIn> {
  const received: ReceivedEmail[] = []
  const inactive = new Set<string>()
  let failures = 0
  let loseReply = false

  const server = Bun.serve({
    port,
    hostname: '127.0.0.1',
    async fetch(request) {
      const url = new URL(request.url)
      const token = request.headers.get('x-postmark-server-token')
      if (!token) {
        return Response.json(
          { ErrorCode: 10, Message: 'Request does not contain a valid Server token.' },
          { status: 401 },
        )
      }
      if (request.method === 'POST' && url.pathname === '/email') {
        return sendEmail(request, token)
      }
      if (request.method === 'GET' && url.pathname === '/messages/outbound') {
        return searchMessages(url)
      }
      return Response.json({ ErrorCode: 404, Message: 'Not found' }, { status: 404 })
    },
  })

  async function sendEmail(request: Request, token: string): Promise<Response> {
    if (failures > 0) {
      failures--
      return Response.json({ ErrorCode: 500, Message: 'Internal server error' }, { status: 500 })
    }
    const body = (await request.json()) as Record<string, unknown>
    const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : '')
    if (!text('From') || !text('To')) {
      return Response.json(
        { ErrorCode: 300, Message: 'Invalid email request: From and To are required.' },
        { status: 422 },
      )
    }
    const to = text('To')
    if (inactive.has(to.toLowerCase())) {
      return Response.json({ ErrorCode: 406, Message: inactiveMessage(to) }, { status: 422 })
    }
    const email: ReceivedEmail = {
      MessageID: crypto.randomUUID(),
      From: text('From'),
      ReplyTo: text('ReplyTo') || null,
      To: to,
      Subject: text('Subject'),
      TextBody: text('TextBody'),
      HtmlBody: text('HtmlBody'),
      Tag: text('Tag') || null,
      MessageStream: text('MessageStream') || 'outbound',
      Metadata: (body.Metadata ?? {}) as Record<string, string>,
      token,
      SubmittedAt: new Date().toISOString(),
    }
    received.push(email)
    if (loseReply) {
      loseReply = false
      return Response.json({ ErrorCode: 500, Message: 'Internal server error' }, { status: 500 })
    }
    return Response.json({
      To: email.To,
      SubmittedAt: email.SubmittedAt,
      MessageID: email.MessageID,
      ErrorCode: 0,
      Message: 'OK',
    })
  }

  function searchMessages(url: URL): Response {
    const filters = [...url.searchParams].filter(([key]) => key.startsWith('metadata_'))
    const recipient = url.searchParams.get('recipient')
    const matches = received.filter(
      (email) =>
        (!recipient || email.To === recipient) &&
        filters.every(([key, value]) => email.Metadata[key.slice('metadata_'.length)] === value),
    )
    return Response.json({
      TotalCount: matches.length,
      Messages: matches.map((email) => ({
        MessageID: email.MessageID,
        To: [{ Email: email.To, Name: null }],
        Recipients: [email.To],
        Subject: email.Subject,
        Tag: email.Tag,
        Metadata: email.Metadata,
        MessageStream: email.MessageStream,
        ReceivedAt: email.SubmittedAt,
        Status: 'Sent',
      })),
    })
  }

  return {
    url: `http://127.0.0.1:${server.port}`,
    host: `127.0.0.1:${server.port}`,
    received: () => [...received],
    markInactive: (address) => inactive.add(address.toLowerCase()),
    failNext: (times) => {
      failures = times
    },
    loseNextReply: () => {
      loseReply = true
    },
    stop: async () => {
      await server.stop(true)
    },
  }
}
