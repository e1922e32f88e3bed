import { afterEach, describe, expect, test } from 'bun:test'
import { fetchWithTimeout, isApiUnreachable } from '../../web/src/lib/server/api.ts'

/**
 * A server on loopback that resets the first connection it is sent a request on, as the API's
 * side of a kept-alive connection does when it closes just as a request arrives, and answers
 * every later one.
 */
function resettingServer() {
  let requests = 0
  const server = Bun.listen({
    hostname: '127.0.0.1',
    port: 0,
    socket: {
      data(socket) {
        requests += 1
        if (requests === 1) return void socket.terminate()
        socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok')
        socket.end()
      },
    },
  })
  return { url: `http://127.0.0.1:${server.port}/`, requests: () => requests, server }
}

let open: ReturnType<typeof resettingServer> | undefined
afterEach(() => open?.server.stop(true))

describe('calls to the API that meet a reset connection', () => {
  test('a read is sent again', async () => {
    open = resettingServer()
    const res = await fetchWithTimeout(open.url)
    expect(await res.text()).toBe('ok')
    expect(open.requests()).toBe(2)
  })

  test('a purchase under its Idempotency-Key is sent again', async () => {
    open = resettingServer()
    const res = await fetchWithTimeout(open.url, {
      method: 'POST',
      headers: { 'idempotency-key': 'site-0123' },
      body: '{}',
    })
    expect(res.status).toBe(200)
    expect(open.requests()).toBe(2)
  })

  test('any other change is not: it may have been made', async () => {
    open = resettingServer()
    const sent = fetchWithTimeout(open.url, { method: 'POST', body: '{}' })
    await expect(sent).rejects.toMatchObject({ code: 'ECONNRESET' })
    expect(open.requests()).toBe(1)
  })
})

describe('an API that cannot be reached', () => {
  /** A loopback port nothing listens on: one the system gave out, then closed. */
  function closedPort(): number {
    const server = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
    const { port } = server
    server.stop(true)
    return port
  }

  test('refused or silent, it is told apart from errors in the page', async () => {
    const refused = await fetchWithTimeout(`http://127.0.0.1:${closedPort()}/`).catch((e) => e)
    expect(isApiUnreachable(refused)).toBe(true)

    // Accepts the connection and never answers.
    const silent = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } })
    try {
      const timedOut = await fetch(`http://127.0.0.1:${silent.port}/`, {
        signal: AbortSignal.timeout(50),
      }).catch((e) => e)
      expect(isApiUnreachable(timedOut)).toBe(true)
    } finally {
      silent.stop(true)
    }

    expect(
      isApiUnreachable(new TypeError("Cannot read properties of undefined (reading 'x')")),
    ).toBe(false)
    expect(isApiUnreachable('ECONNREFUSED')).toBe(false)
  })
})
