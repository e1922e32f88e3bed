/**
 * Every request the soak sends goes through `Traffic.send`: it waits for its turn at a steady
 * overall rate, counts the answer by kind and status, and keeps each answer that was not one the
 * caller expected. A 429 is always allowed (and counted): rate limits are part of the product.
 */

/** Which statuses a request may answer, and for error statuses which `error.code`s. */
export type Expected = Record<number, readonly string[] | 'any'>

export interface Answer {
  status: number
  headers: Headers
  /** The JSON body, or null for other content. */
  body: Record<string, unknown> | null
  text: string
}

export interface Unexpected {
  kind: string
  status: number
  code: string | null
  detail: string
}

export const requestTimeoutMs = 30_000

export class Traffic {
  readonly counts = new Map<string, Map<number, number>>()
  readonly unexpected: Unexpected[] = []
  /** Requests that got no answer at all (refused connection, timeout). */
  failures = 0
  /** When the first request started and the last answer came, for the achieved rate. */
  private firstAt: number | null = null
  private lastAt = 0
  private nextSlot = 0
  private inFlight = 0
  private drained: (() => void)[] = []

  constructor(private readonly perSecond: number) {}

  /** Waits for the next free slot: at most `perSecond` requests start each second, evenly. */
  private async turn(): Promise<void> {
    const now = performance.now()
    const slot = Math.max(now, this.nextSlot)
    this.nextSlot = slot + 1000 / this.perSecond
    if (slot > now) await Bun.sleep(slot - now)
  }

  async send(kind: string, url: string, init: RequestInit, expected: Expected): Promise<Answer> {
    await this.turn()
    this.firstAt ??= performance.now()
    this.inFlight++
    try {
      return await this.exchange(kind, url, init, expected)
    } finally {
      this.lastAt = performance.now()
      this.inFlight--
      if (this.inFlight === 0) for (const resolve of this.drained.splice(0)) resolve()
    }
  }

  private async exchange(
    kind: string,
    url: string,
    init: RequestInit,
    expected: Expected,
  ): Promise<Answer> {
    let response: Response
    let text: string
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(requestTimeoutMs) })
      text = await response.text()
    } catch (error) {
      this.failures++
      this.count(kind, 0)
      this.unexpected.push({ kind, status: 0, code: null, detail: String(error).slice(0, 200) })
      return { status: 0, headers: new Headers(), body: null, text: '' }
    }

    const body = parseJson(text)
    const error = body?.error as { code?: unknown; message?: unknown } | undefined
    // Tenor's envelope names the error in `error.code`; Plaid's in `error_code`.
    const named = typeof error?.code === 'string' ? error.code : body?.error_code
    const code = typeof named === 'string' ? named : null
    this.count(kind, response.status)
    const allowed = expected[response.status]
    const fits =
      response.status === 429 ||
      (response.status < 500 &&
        allowed !== undefined &&
        (allowed === 'any' || response.status < 400 || (code !== null && allowed.includes(code))))
    if (!fits) {
      const detail = typeof error?.message === 'string' ? error.message : text.slice(0, 200)
      this.unexpected.push({ kind, status: response.status, code, detail })
    }
    return { status: response.status, headers: response.headers, body, text }
  }

  /** Records an answer that had an expected status but was wrong in another way. */
  flag(kind: string, status: number, detail: string) {
    this.unexpected.push({ kind, status, code: null, detail })
  }

  private count(kind: string, status: number) {
    const byStatus = this.counts.get(kind) ?? new Map<number, number>()
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1)
    this.counts.set(kind, byStatus)
  }

  /** Seconds from the first request to the last answer. */
  elapsedSeconds(): number {
    return (this.lastAt - (this.firstAt ?? this.lastAt)) / 1000
  }

  /** Resolves once no request is in flight. */
  idle(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve()
    return new Promise((resolve) => this.drained.push(resolve))
  }

  total(filter: (status: number) => boolean = () => true): number {
    let sum = 0
    for (const byStatus of this.counts.values()) {
      for (const [status, n] of byStatus) if (filter(status)) sum += n
    }
    return sum
  }
}

function parseJson(text: string): Record<string, unknown> | null {
  if (!text.startsWith('{')) return null
  try {
    const value: unknown = JSON.parse(text)
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null
  } catch {
    return null
  }
}

/** JSON request options. */
export function json(
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
): RequestInit {
  return {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  }
}
