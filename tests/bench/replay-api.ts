/**
 * A stand-in for the API that answers each GET from memory after its first answer: the first
 * request for a path goes to the real API, and every later one gets the same status, headers
 * and bytes back without the API doing any work. Put in front of a second copy of the site,
 * it shows what the site's own work costs, with the API free.
 */
export interface ReplayApi {
  url: string
  stop(): void
}

interface Recorded {
  status: number
  headers: [string, string][]
  body: ArrayBuffer
}

export function startReplayApi(apiUrl: string, port: number): ReplayApi {
  const recorded = new Map<string, Recorded>()
  const server = Bun.serve({
    port,
    hostname: '127.0.0.1',
    async fetch(request) {
      const url = new URL(request.url)
      const target = `${apiUrl}${url.pathname}${url.search}`
      if (request.method !== 'GET') {
        return fetch(target, {
          method: request.method,
          headers: request.headers,
          body: await request.arrayBuffer(),
          redirect: 'manual',
        })
      }
      // Answers depend on who asks: the key holds the caller's credentials too.
      const key = `${target} ${request.headers.get('authorization') ?? ''}`
      let answer = recorded.get(key)
      if (!answer) {
        const response = await fetch(target, { headers: request.headers, redirect: 'manual' })
        answer = {
          status: response.status,
          headers: [...response.headers],
          body: await response.arrayBuffer(),
        }
        if (response.status === 200) recorded.set(key, answer)
      }
      return new Response(answer.body, { status: answer.status, headers: answer.headers })
    },
  })
  return { url: `http://127.0.0.1:${port}`, stop: () => server.stop(true) }
}
